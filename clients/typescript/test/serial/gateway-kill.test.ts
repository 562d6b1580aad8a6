// Resume across a gateway kill -9 and restart. Run alone (npm test runs test/serial after the rest), since every
// other test needs the gateway up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Envelope, ParleyClient, RoomMessage } from '../../src/index.js';
import { gatewayProcess, killGateway, startGateway } from '../gateway-process.js';
import { assertConsecutive, devToken, human, stack, tenant, unique, waitFor } from '../helpers.js';

const T = tenant('kill');
let ada: ParleyClient;

before(async () => {
  ada = human(T, 'ada', 'Ada');
  await ada.me.get();
});
after(() => ada.close());

function collector() {
  const events: Envelope[] = [];
  const errors: { fatal: boolean }[] = [];
  return {
    events,
    errors,
    durable: () => events.filter((e) => e.seq !== undefined),
    contents: () => events.filter((e) => e.type === 'message.created').map((e) => (e.data as RoomMessage).content),
    options: {
      onEvent: (e: Envelope) => {
        events.push(e);
      },
      onError: (_e: unknown, fatal: boolean) => {
        errors.push({ fatal });
      },
    },
  };
}

test('a subscription resumes across a gateway kill: every message once, in order, none lost', {
  skip: stack.home && stack.ports ? false : 'needs the stack started by scripts/stack.mjs (its home and ports)',
}, async () => {
  const room = await ada.rooms.create({ name: unique('resume') });
  const seen = collector();
  const sub = ada.subscribe(`room:${room.id}`, { after: 0, ...seen.options });
  for (let i = 1; i <= 3; i++) await ada.rooms.post(room.id, `before ${i}`);
  await waitFor('the first three messages', () => seen.contents().length === 3);

  const gw = gatewayProcess(stack.home!);
  const token = await devToken({ tenant: T, user: 'ada', name: 'Ada' });
  await killGateway(stack.home!);
  let restarted = false;
  try {
    // while the gateway is down, the room keeps getting messages (posted to rooms-service directly)
    const roomsUrl = `http://127.0.0.1:${stack.ports!['rooms-port']}`;
    for (let i = 1; i <= 3; i++) {
      const r = await fetch(`${roomsUrl}/api/agent-rooms/${room.id}/messages`, { method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ content: `during ${i}` }) });
      assert.equal(r.status, 201);
    }
    await waitFor('the subscription to notice the dead gateway', () => sub.state === 'subscribing', 10_000);
    startGateway(gw);
    restarted = true;
  } finally {
    if (!restarted) startGateway(gw);
  }
  await waitFor('the three messages posted while the gateway was down', () => seen.contents().length === 6, 120_000,
    200);
  await ada.rooms.post(room.id, 'after 1');
  await waitFor('the live tail after the restart', () => seen.contents().length === 7, 30_000);

  assert.deepEqual(seen.contents(), ['before 1', 'before 2', 'before 3', 'during 1', 'during 2', 'during 3',
    'after 1']);
  const seqs = seen.durable().map((e) => e.seq!);
  assert.ok(assertConsecutive(seqs), `seqs ${seqs.join(',')} must be consecutive`);
  assert.equal(new Set(seqs).size, seqs.length, 'no duplicate');
  assert.equal(sub.lastSeq, seqs.at(-1));
  assert.equal(sub.transport, 'websocket');
  assert.equal(seen.errors.filter((e) => e.fatal).length, 0);
});
