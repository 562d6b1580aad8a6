// Streams against the real stack: resume with no gap or duplicate (gateway killed, connection dropped), SSE
// fallback, reset, 1008 on removal, tickets, ephemeral events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { Envelope, ParleyClient, ParleyError, ResetInfo, RoomMessage, WebSocketConstructor } from '../src/index.js';
import { assertConsecutive, baseUrl, human, tenant, unique, waitFor } from './helpers.js';

const T = tenant('streams');
const clients: ParleyClient[] = [];
function track<C extends ParleyClient>(c: C): C {
  clients.push(c);
  return c;
}

let ada: ParleyClient;
let bob: ParleyClient;

before(async () => {
  ada = track(human(T, 'ada', 'Ada'));
  bob = track(human(T, 'bob', 'Bob'));
  await Promise.all([ada.me.get(), bob.me.get()]);
});

after(() => {
  for (const c of clients) c.close();
});

/** Collects what onEvent sees, for the assertions a user would make. */
function collector() {
  const events: Envelope[] = [];
  const errors: { error: ParleyError; fatal: boolean }[] = [];
  const resets: ResetInfo[] = [];
  return {
    events,
    errors,
    resets,
    durable: () => events.filter((e) => e.seq !== undefined),
    contents: () => events.filter((e) => e.type === 'message.created').map((e) => (e.data as RoomMessage).content),
    options: {
      onEvent: (e: Envelope) => {
        events.push(e);
      },
      onError: (error: ParleyError, fatal: boolean) => {
        errors.push({ error, fatal });
      },
      onReset: (info: ResetInfo) => {
        resets.push(info);
      },
    },
  };
}

describe('resume', () => {
  test('a dropped connection resumes every stream from its lastSeq; two handles on one stream each see it once',
    async () => {
      const room = await ada.rooms.create({ name: unique('drop') });
      const first = collector();
      const second = collector();
      const channel = collector();
      ada.subscribe(`room:${room.id}`, { after: 0, ...first.options });
      await ada.rooms.post(room.id, 'one');
      await waitFor('one', () => first.contents().length === 1);
      const late = ada.subscribe(`room:${room.id}`, second.options); // live only: starts at the head
      ada.subscribe('channel', channel.options);
      await waitFor('the second handle subscribed', () => late.state === 'subscribed');
      ada.dropConnection();
      await ada.rooms.post(room.id, 'two');
      await ada.channel.post('hello after the drop');
      await ada.rooms.post(room.id, 'three');
      await waitFor('two and three on both handles', () => first.contents().length === 3
        && second.contents().length === 2);
      await waitFor('the channel post', () => channel.events.some((e) => e.type === 'message.created'));
      assert.deepEqual(first.contents(), ['one', 'two', 'three']);
      assert.deepEqual(second.contents(), ['two', 'three']);
      assert.ok(assertConsecutive(first.durable().map((e) => e.seq!)));
      assert.ok(assertConsecutive(second.durable().map((e) => e.seq!)));
    });
});

describe('transports', () => {
  test('when the WebSocket cannot connect, each stream falls back to SSE and resumes there', async () => {
    class Unreachable extends WebSocket {
      constructor(_url: string, protocols?: string | string[]) {
        super('ws://127.0.0.1:1/api/ws', protocols);
      }
    }
    const carol = track(human(T, 'carol', 'Carol', { WebSocket: Unreachable as unknown as WebSocketConstructor }));
    const room = await ada.rooms.create({ name: unique('sse'), members: ['user:carol'] });
    await ada.rooms.post(room.id, 'first');
    const seen = collector();
    const sub = carol.subscribe(`room:${room.id}`, { after: 0, ...seen.options });
    await waitFor('the replay over SSE', () => seen.contents().length === 1);
    await ada.rooms.post(room.id, 'second');
    await waitFor('the live tail over SSE', () => seen.contents().length === 2);
    assert.equal(carol.transport, 'sse');
    assert.equal(sub.transport, 'sse');
    assert.deepEqual(seen.contents(), ['first', 'second']);
    assert.ok(assertConsecutive(seen.durable().map((e) => e.seq!)));
  });

  test('ticket mode (as in a browser): the WebSocket authenticates with ?ticket=, never the token', async () => {
    const urls: string[] = [];
    class Recording extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        urls.push(url);
        super(url, protocols);
        assert.deepEqual(protocols, ['parley.v1']);
      }
    }
    const dana = track(human(T, 'dana', 'Dana', { streamAuth: 'ticket',
      WebSocket: Recording as unknown as WebSocketConstructor }));
    const seen = collector();
    const sub = dana.subscribe('channel', seen.options);
    await waitFor('subscribed', () => sub.state === 'subscribed');
    await ada.channel.post('ticketed hello');
    await waitFor('the post', () => seen.events.some((e) => e.type === 'message.created'));
    assert.match(urls[0]!, /\/api\/ws\?ticket=/);
    assert.equal(sub.transport, 'websocket');
  });

  test('ephemeral events pass through: typing from another member arrives without a seq', async () => {
    const room = await ada.rooms.create({ name: unique('typing'), members: ['user:bob'] });
    const seen = collector();
    const sub = bob.subscribe(`room:${room.id}`, seen.options);
    await waitFor('subscribed', () => sub.state === 'subscribed');
    const adaSub = ada.subscribe(`room:${room.id}`, { onEvent: () => undefined });
    await waitFor('ada subscribed', () => adaSub.state === 'subscribed');
    await adaSub.typing();
    const typing = await waitFor('typing', () => seen.events.find((e) => e.type === 'typing'));
    assert.equal(typing.seq, undefined);
    assert.deepEqual(typing.data, { ref: 'user:ada', name: 'Ada' });
    adaSub.close();
  });
});

describe('reset and revocation', () => {
  test('a position older than the channel keeps gives onReset, then the stream goes on from the head', async () => {
    // the test stack keeps the channel 20 s (scripts/stack.mjs): wait until the first message is trimmed
    const own = tenant('reset');
    const erin = track(human(own, 'erin', 'Erin'));
    const old = await erin.channel.post('soon gone');
    await waitFor('retention to trim the first message', async () =>
      !(await erin.channel.messages()).items.some((m) => m.id === old.id), 90_000, 1000);
    const seen = collector();
    const sub = erin.subscribe('channel', { after: old.seq - 1, ...seen.options });
    const reset = await waitFor('the reset', () => seen.resets[0], 20_000);
    assert.ok(reset.earliest > old.seq, `earliest ${reset.earliest} is past the trimmed ${old.seq}`);
    assert.equal(sub.lastSeq, reset.head);
    const fresh = await erin.channel.post('after the reset');
    await waitFor('the next message', () => seen.events.some((e) => e.type === 'message.created'));
    const delivered = seen.durable();
    assert.equal(delivered.length, 1);
    assert.equal(delivered[0]!.seq, fresh.seq);
    assert.equal(fresh.seq, reset.head + 1);
  });

  test('a member removed from a room: that subscription stops with 1008 reported, the others go on', async () => {
    const room = await ada.rooms.create({ name: unique('removal'), members: ['user:bob'] });
    const inRoom = collector();
    const inChannel = collector();
    const roomSub = bob.subscribe(`room:${room.id}`, inRoom.options);
    const channelSub = bob.subscribe('channel', inChannel.options);
    await waitFor('both subscribed', () => roomSub.state === 'subscribed' && channelSub.state === 'subscribed');
    await ada.rooms.removeMember(room.id, 'user:bob');
    const reported = await waitFor('the revocation', () => inRoom.errors.find((e) => e.fatal));
    assert.equal(reported.error.code, 'stream.revoked');
    assert.equal(roomSub.state, 'closed');
    assert.ok(inRoom.events.some((e) => e.type === 'member.removed'), 'member.removed is delivered first');
    await ada.rooms.post(room.id, 'bob is not here any more');
    await ada.channel.post('still in the channel');
    await waitFor('the channel goes on', () => inChannel.events.some((e) => e.type === 'message.created'));
    assert.equal(channelSub.state, 'subscribed');
    assert.ok(!inRoom.contents().includes('bob is not here any more'));
  });
});

test('the base URL the tests use is a running gateway', async () => {
  const r = await fetch(`${baseUrl}/api/me`);
  assert.equal(r.status, 401);
  await r.body?.cancel();
});
