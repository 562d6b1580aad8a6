// The standup agent: answers every mention in the rooms it is a member of, and keeps its inbox position in a file,
// so a restart neither misses nor repeats a message.
//
//   PARLEY_URL     the gateway (default http://localhost:8080)
//   PARLEY_TOKEN   an app token; without one the local stack's /dev/token mints one for PARLEY_TENANT / PARLEY_APP
//   PARLEY_AGENT   the agent's slug (default bot): it answers as <app>:<slug>
//   PARLEY_ROOM    optional: a room name to create (or find) and join, using a dev token of PARLEY_USER (local stack)
//   STATE_FILE     where the inbox position lives (default ./.standup-agent.json)
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import WebSocket from 'ws';
import { createClient } from '@parley/client';

const baseUrl = process.env.PARLEY_URL ?? 'http://localhost:8080';
const tenant = process.env.PARLEY_TENANT ?? 'acme';
const appId = process.env.PARLEY_APP ?? 'standup';
const slug = process.env.PARLEY_AGENT ?? 'bot';
const stateFile = process.env.STATE_FILE ?? '.standup-agent.json';

async function devToken(body) {
  const r = await fetch(`${baseUrl}/dev/token`, { method: 'POST', body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`/dev/token: ${r.status} (set PARLEY_TOKEN outside the local stack)`);
  return (await r.json()).access_token;
}

function loadPosition() {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')).after;
  } catch {
    return undefined; // first start: new deliveries only
  }
}

function savePosition(after) {
  writeFileSync(`${stateFile}.tmp`, JSON.stringify({ after }));
  renameSync(`${stateFile}.tmp`, stateFile); // atomic: a crash leaves the old or the new position, never half
}

if (process.env.PARLEY_ROOM) {
  // joining needs a human: agents cannot add themselves (local stack: a dev token of PARLEY_USER)
  const human = createClient({ baseUrl, token: () => devToken({ tenant, user: process.env.PARLEY_USER ?? 'ada' }) });
  const rooms = (await human.rooms.list()).items;
  const room = rooms.find((r) => r.name === process.env.PARLEY_ROOM)
    ?? await human.rooms.create({ name: process.env.PARLEY_ROOM });
  if (!room.members.some((m) => m.ref === `${appId}:${slug}`)) await human.rooms.addMember(room.id, `${appId}:${slug}`);
  console.log(`joined room ${room.name} (${room.id})`);
}

const client = createClient({
  baseUrl,
  token: process.env.PARLEY_TOKEN ?? (() => devToken({ tenant, app: appId })),
  WebSocket: globalThis.WebSocket ?? WebSocket,
});

const after = loadPosition();
const listener = client.agent(slug).onMessage(async (msg, ctx) => {
  if (!msg.mentioned) return; // broadcasts are context only
  const asked = msg.content.replaceAll(`@${appId}:${slug}`, '').trim();
  await ctx.reply(`Standup noted, ${msg.message.senderName ?? msg.message.sender}: “${asked}”. Anything blocking you?`);
  console.log(`answered ${msg.message.sender} in ${msg.roomId} (inbox seq ${msg.seq})`);
}, {
  after,
  onPosition: savePosition,
  onError: (e) => console.error(`error: ${e.message}`),
});

const ready = setInterval(() => {
  if (listener.subscription.state === 'subscribed') {
    clearInterval(ready);
    console.log(`listening as ${appId}:${slug} from inbox seq ${after ?? 'now'}`);
  }
}, 50);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    listener.close();
    client.close();
    process.exit(0);
  });
}
