// The reference server of bench B1/B2: plain Socket.IO (in-memory adapter), no persistence.
// POST /rooms/<room>/messages {"content","metadata"} assigns the room's next seq in memory and broadcasts an envelope
// shaped like Parley's `message.created` (same fields, same content) to the sockets of that room; answers 201 with
// the message. Subscribers connect with /socket.io/?EIO=4&transport=websocket&room=<room>.
const http = require('http');
const { randomUUID } = require('crypto');
const { Server } = require('socket.io');

const port = Number(process.env.PORT || 3300);
const seqs = new Map();

const server = http.createServer((req, res) => {
  const m = /^\/rooms\/([^/]+)\/messages$/.exec(req.url);
  if (req.method !== 'POST' || !m) {
    res.writeHead(404);
    res.end();
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    let msg;
    try { msg = JSON.parse(body); } catch (e) { res.writeHead(400); res.end(); return; }
    const room = m[1];
    const seq = (seqs.get(room) || 0) + 1;
    seqs.set(room, seq);
    const now = new Date().toISOString();
    const data = {
      id: randomUUID(), seq, roomId: room, sender: 'user:p0-0', senderName: 'P0-0', content: msg.content,
      html: '<p>' + msg.content + '</p>\n', mentions: [], routes: [], metadata: msg.metadata || {}, createdAt: now,
    };
    io.to(room).emit('event', { stream: 'room:' + room, seq, type: 'message.created', at: now, data });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(data));
  });
});

const io = new Server(server, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: 1e6 });
io.on('connection', (socket) => {
  const room = socket.handshake.query.room;
  if (room) socket.join(room);
});

server.listen(port, '127.0.0.1', () => console.log('listening ' + port));
process.on('SIGTERM', () => process.exit(0));
