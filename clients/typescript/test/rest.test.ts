// REST against the real stack: idempotent retries (a lost 201 answered 503, the 429 post limit), token refresh,
// ParleyError, reconcile of an offline share, sync pairing.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClient, ParleyError, type Envelope, type ParleyClient, type SyncState } from '../src/index.js';
import { baseUrl, devToken, human, NodeWebSocket, tenant, unique, waitFor } from './helpers.js';

const T = tenant('rest');
const clients: ParleyClient[] = [];
function track<C extends ParleyClient>(c: C): C {
  clients.push(c);
  return c;
}
let ada: ParleyClient;

before(async () => {
  ada = track(human(T, 'ada', 'Ada'));
  await ada.me.get();
});
after(() => {
  for (const c of clients) c.close();
});

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * A proxy in front of the gateway that forwards the first POST of a message, throws the gateway's 201 away and
 * answers 503 with Retry-After: 1 instead — the answer lost on the way back, after the write happened.
 */
async function lossyProxy(): Promise<{ url: string; posts: { key: string | undefined; status: number; body: string }[];
  close: () => void }> {
  const posts: { key: string | undefined; status: number; body: string }[] = [];
  let dropped = false;
  const server: Server = createServer(async (req, res) => {
    const payload = await body(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
    }
    const init: RequestInit = { method: req.method!, headers };
    if (payload.length > 0) init.body = new Uint8Array(payload);
    const answer = await fetch(`${baseUrl}${req.url}`, init);
    const text = await answer.text();
    if (req.method === 'POST' && req.url!.endsWith('/messages')) {
      posts.push({ key: req.headers['idempotency-key'] as string | undefined, status: answer.status, body: text });
      if (!dropped) {
        dropped = true;
        res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1' });
        res.end(JSON.stringify({ status: 503, code: 'service.unavailable', title: 'Unavailable' }));
        return;
      }
    }
    res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, posts, close: () => server.close() };
}

describe('idempotent creates', () => {
  test('a post whose 201 was lost (503 instead) is retried with the same Idempotency-Key: one message', async () => {
    const proxy = await lossyProxy();
    try {
      const room = await ada.rooms.create({ name: unique('idem') });
      const viaProxy = track(createClient({ baseUrl: proxy.url, token: () => devToken({ tenant: T, user: 'ada',
        name: 'Ada' }), WebSocket: NodeWebSocket }));
      const message = await viaProxy.rooms.post(room.id, 'exactly once');
      assert.equal(proxy.posts.length, 2, 'the first attempt and one retry');
      assert.equal(proxy.posts[0]!.status, 201, 'the first attempt was written');
      assert.ok(proxy.posts[0]!.key, 'an Idempotency-Key was sent');
      assert.equal(proxy.posts[1]!.key, proxy.posts[0]!.key, 'the retry carries the same key');
      assert.equal(message.id, (JSON.parse(proxy.posts[0]!.body) as { id: string }).id);
      const list = await ada.rooms.messages(room.id);
      assert.deepEqual(list.items.map((m) => m.content), ['exactly once']);
    } finally {
      proxy.close();
    }
  });

  test('posting over the rate limit waits out Retry-After: every post lands once', async () => {
    const own = tenant('burst');
    const fay = track(human(own, 'fay', 'Fay'));
    const bodies = Array.from({ length: 26 }, (_, i) => `burst ${i}`);
    const posted = await Promise.all(bodies.map((b) => fay.channel.post(b)));
    assert.equal(new Set(posted.map((m) => m.id)).size, 26);
    const items = (await fay.channel.messages({ limit: 100 })).items.map((m) => m.body).sort();
    assert.deepEqual(items, [...bodies].sort());
  });
});

describe('tokens and errors', () => {
  test('a rejected token is replaced by calling the token function again (REST and WebSocket)', async () => {
    let calls = 0;
    const token = async (): Promise<string> => {
      calls++;
      const good = await devToken({ tenant: T, user: 'gus', name: 'Gus' });
      // the first token the app hands out is one the server refuses (as an expired one is)
      return calls === 1 ? `${good.slice(0, -4)}AAAA` : good;
    };
    const gus = track(createClient({ baseUrl, token, WebSocket: NodeWebSocket }));
    const me = await gus.me.get();
    assert.equal(me.ref, 'user:gus');
    assert.equal(calls, 2);

    let wsCalls = 0;
    const wsGus = track(createClient({ baseUrl, WebSocket: NodeWebSocket, backoffBaseMs: 100, token: async () => {
      wsCalls++;
      const good = await devToken({ tenant: T, user: 'gus', name: 'Gus' });
      return wsCalls === 1 ? `${good.slice(0, -4)}AAAA` : good;
    } }));
    const events: Envelope[] = [];
    const sub = wsGus.subscribe('channel', { onEvent: (e) => {
      events.push(e);
    } });
    await waitFor('subscribed after the refresh', () => sub.state === 'subscribed');
    assert.equal(sub.transport, 'websocket');
    assert.ok(wsCalls >= 2);
    await ada.channel.post('seen by gus');
    await waitFor('the post', () => events.some((e) => e.type === 'message.created'));
  });

  test('a fixed token the server refuses ends in a ParleyError 401', async () => {
    const bad = createClient({ baseUrl, token: 'not-a-jwt', WebSocket: NodeWebSocket });
    await assert.rejects(bad.me.get(), (e: unknown) => e instanceof ParleyError && e.status === 401
      && e.code === 'auth.unauthorized');
  });

  test('errors carry status, code, detail and the problem body', async () => {
    const name = unique('dup');
    await ada.rooms.create({ name });
    const e = await ada.rooms.create({ name }).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof ParleyError);
    assert.equal(e.status, 409);
    assert.equal(e.code, 'room.name_taken');
    assert.equal(typeof e.detail, 'string');
    const missing = await ada.rooms.get('0193f1c2-0000-7000-8000-000000000001').then(() => undefined, (x: unknown) => x);
    assert.ok(missing instanceof ParleyError);
    assert.equal(missing.status, 404);
  });
});

describe('channel, attachments, presence', () => {
  test('upload an attachment with progress, post it, download the same bytes', async () => {
    const own = tenant('files');
    const kim = track(human(own, 'kim', 'Kim'));
    const bytes = new TextEncoder().encode('plan: ship it\n'.repeat(100));
    const progress: number[] = [];
    const file = await kim.attachments.upload(bytes, { name: 'plan.txt', contentType: 'text/plain',
      onProgress: (loaded) => progress.push(loaded) });
    assert.equal(file.size, bytes.length);
    assert.equal(file.name, 'plan.txt');
    assert.match(file.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(progress, [bytes.length]);
    const message = await kim.channel.post({ body: 'the plan', attachments: [file.id] });
    assert.deepEqual(message.attachments.map((a) => a.id), [file.id]);
    const back = new Uint8Array(await (await kim.attachments.download(file.id)).arrayBuffer());
    assert.deepEqual(back, bytes);
  });

  test('an image loads from its inline URL without a header, once, sandboxed', async () => {
    const own = tenant('images');
    const kim = track(human(own, 'kim', 'Kim'));
    // a 1x1 PNG
    const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'
      + 'YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
    const file = await kim.attachments.upload(png, { name: 'dot.png', contentType: 'image/png' });
    const url = await kim.attachments.inlineUrl(file.id);
    assert.match(url, /[?&]ticket=/);
    const image = await fetch(url); // what <img src> does: no Authorization header
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.match(image.headers.get('content-disposition') ?? '', /^inline/);
    assert.equal(image.headers.get('content-security-policy'), 'sandbox');
    assert.deepEqual(new Uint8Array(await image.arrayBuffer()), png);
    const again = await fetch(url);
    assert.equal(again.status, 401);
    await again.body?.cancel();
  });

  test('the presence stream opens with the whole roster', async () => {
    const own = tenant('presence');
    const lea = track(human(own, 'lea', 'Lea'));
    const events: Envelope[] = [];
    lea.subscribe('presence', { onEvent: (e) => {
      events.push(e);
    } });
    const snapshot = await waitFor('presence.snapshot', () => events.find((e) => e.type === 'presence.snapshot'));
    assert.equal(snapshot.seq, undefined);
    const items = (snapshot.data as { items: { ref: string }[] }).items;
    assert.ok(items.some((i) => i.ref === 'user:lea'));
    const roster = await lea.presence.list();
    assert.ok(roster.items.some((i) => i.ref === 'user:lea'));
  });
});

describe('shares and sync', () => {
  test('reconcile finds a share made while the recipient was offline, then its revoke', async () => {
    const own = tenant('share');
    const owner = track(human(own, 'ada', 'Ada'));
    const session = await owner.sessions.create('Offline share');
    await owner.sessions.share(session.id, 'user:hal'); // hal has never connected
    const hal = track(human(own, 'hal', 'Hal'));
    const first = await hal.shares.reconcile();
    assert.deepEqual(first.granted.map((s) => s.sessionId), [session.id]);
    assert.equal(first.granted[0]!.by.ref, 'user:ada');
    assert.equal(first.revoked.length, 0);
    assert.ok((await hal.sessions.get(session.id)).id === session.id, 'hal can read it');

    await owner.sessions.unshare(session.id, 'user:hal');
    const second = await hal.shares.reconcile({ after: first.lastSeq });
    assert.deepEqual(second.revoked.map((s) => s.sessionId), [session.id]);
    assert.equal(second.granted.length, 0);
    assert.ok(second.lastSeq > first.lastSeq);
    await assert.rejects(hal.sessions.get(session.id), (e: unknown) => e instanceof ParleyError && e.status === 404);
  });

  test('sync pairing: start with an online partner, follow tabs on both sides, stop from either', async () => {
    const own = tenant('sync');
    const ivy = track(human(own, 'ivy', 'Ivy'));
    const jon = track(human(own, 'jon', 'Jon'));
    const ivySeen: (SyncState | null)[] = [];
    const jonSeen: (SyncState | null)[] = [];
    const ivyFollow = ivy.sync.follow((s) => ivySeen.push(s));
    const jonFollow = jon.sync.follow((s) => jonSeen.push(s));
    // both online: their me streams are open connections
    await waitFor('jon online for ivy', async () => (await ivy.presence.syncPartners()).items
      .some((p) => p.ref === 'user:jon'), 60_000, 500);
    const started = await ivy.sync.start('user:jon');
    assert.equal(started.partner, 'user:jon');
    await waitFor('jon sees the pairing', () => jonFollow.state?.partner === 'user:ivy');
    const session = await ivy.sessions.create('Paired');
    await ivy.sync.setTabs([{ id: 'tab-1', title: 'Paired', sessionId: session.id }], 'tab-1');
    await waitFor('jon follows the tabs', () => jonFollow.state?.tabs.length === 1);
    assert.equal(jonFollow.state?.activeTabId, 'tab-1');
    assert.equal((await jon.sync.get())?.partner, 'user:ivy');
    await jon.sync.stop();
    await waitFor('ivy sees the stop', () => ivySeen.at(-1) === null && ivyFollow.state === null);
    assert.equal(await ivy.sync.get(), null);
  });
});
