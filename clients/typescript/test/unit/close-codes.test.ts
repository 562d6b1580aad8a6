// The client's reaction to close codes and gaps, against a scripted WebSocket (no server): the real stack cannot
// expire a token on demand (its /dev/token mints 1 h tokens), so close 1008 "token expired" is played here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, type Envelope, type WebSocketConstructor, type WebSocketLike } from '../../src/index.js';

class ScriptedSocket implements WebSocketLike {
  static all: ScriptedSocket[] = [];
  readyState = 0;
  protocol = 'parley.v1';
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];

  constructor(readonly url: string, readonly protocols?: string | string[]) {
    ScriptedSocket.all.push(this);
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 0);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(): void {
    this.readyState = 3;
  }

  /** The server side: a frame to the client. */
  push(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server side: close the socket. */
  end(code: number, reason: string): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

async function until<T>(what: string, f: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const env = (seq: number): Envelope => ({ stream: 'channel', seq, type: 'message.created', at: 't', data: { seq } });

test('close 1008 "token expired": the token function is called again and the stream resumes from lastSeq', async () => {
  ScriptedSocket.all = [];
  let n = 0;
  const client = createClient({ baseUrl: 'http://127.0.0.1:9', token: async () => `token-${++n}`,
    WebSocket: ScriptedSocket as unknown as WebSocketConstructor, backoffBaseMs: 1, backoffMaxMs: 5 });
  const seen: number[] = [];
  const sub = client.subscribe('channel', { after: 5, onEvent: (e) => {
    seen.push(e.seq!);
  } });
  const first = await until('a socket', () => ScriptedSocket.all[0]);
  assert.deepEqual(first.protocols, ['parley.v1', 'bearer.token-1']);
  await until('the subscribe frame', () => first.sent.length > 0);
  assert.deepEqual(first.sent[0], { op: 'subscribe', stream: 'channel', after: 5 });
  first.push({ op: 'subscribed', stream: 'channel', head: 7 });
  first.push(env(6));
  first.push(env(7));
  first.end(1008, 'token expired');
  const second = await until('a new socket', () => ScriptedSocket.all[1]);
  assert.deepEqual(second.protocols, ['parley.v1', 'bearer.token-2'], 'a fresh token');
  await until('the resubscribe', () => second.sent.length > 0);
  assert.deepEqual(second.sent[0], { op: 'subscribe', stream: 'channel', after: 7 });
  second.push({ op: 'subscribed', stream: 'channel', head: 8 });
  second.push(env(7)); // a duplicate
  second.push(env(8));
  await until('8 delivered', () => seen.includes(8));
  assert.deepEqual(seen, [6, 7, 8]);
  assert.equal(sub.lastSeq, 8);
  client.close();
});

test('a fixed token that expires stops every subscription with auth.expired', async () => {
  ScriptedSocket.all = [];
  const client = createClient({ baseUrl: 'http://127.0.0.1:9', token: 'fixed',
    WebSocket: ScriptedSocket as unknown as WebSocketConstructor });
  const errors: string[] = [];
  const sub = client.subscribe('me', { onEvent: () => undefined, onError: (e, fatal) => {
    errors.push(`${e.code}:${fatal}`);
  } });
  const socket = await until('a socket', () => ScriptedSocket.all[0]);
  await until('subscribe', () => socket.sent.length > 0);
  socket.push({ op: 'subscribed', stream: 'me', head: 0 });
  socket.end(1008, 'token expired');
  await until('the error', () => errors.length > 0);
  assert.deepEqual(errors, ['auth.expired:true']);
  assert.equal(sub.state, 'closed');
});

test('1013 and 1001 reconnect and resume; a gap is never handed on but resubscribed from lastSeq', async () => {
  ScriptedSocket.all = [];
  const client = createClient({ baseUrl: 'http://127.0.0.1:9', token: 't',
    WebSocket: ScriptedSocket as unknown as WebSocketConstructor, backoffBaseMs: 1, backoffMaxMs: 5 });
  const seen: number[] = [];
  client.subscribe('channel', { after: 0, onEvent: (e) => {
    seen.push(e.seq!);
  } });
  const a = await until('socket a', () => ScriptedSocket.all[0]);
  await until('subscribe', () => a.sent.length > 0);
  a.push({ op: 'subscribed', stream: 'channel', head: 3 });
  a.push(env(1));
  a.push(env(3)); // 2 is missing
  await until('the resubscribe after the gap', () => a.sent.length > 1);
  assert.deepEqual(a.sent[1], { op: 'subscribe', stream: 'channel', after: 1 });
  a.push(env(4)); // still the old subscription: dropped until `subscribed`
  a.push({ op: 'subscribed', stream: 'channel', head: 4 });
  a.push(env(2));
  a.end(1013, 'too slow: reconnect and resume');
  const b = await until('socket b', () => ScriptedSocket.all[1]);
  await until('subscribe on b', () => b.sent.length > 0);
  assert.deepEqual(b.sent[0], { op: 'subscribe', stream: 'channel', after: 2 });
  b.push({ op: 'subscribed', stream: 'channel', head: 4 });
  b.push(env(3));
  b.end(1001, 'shutting down');
  const c = await until('socket c', () => ScriptedSocket.all[2]);
  await until('subscribe on c', () => c.sent.length > 0);
  assert.deepEqual(c.sent[0], { op: 'subscribe', stream: 'channel', after: 3 });
  c.push({ op: 'subscribed', stream: 'channel', head: 4 });
  c.push(env(4));
  await until('4', () => seen.includes(4));
  assert.deepEqual(seen, [1, 2, 3, 4]);
  client.close();
});
