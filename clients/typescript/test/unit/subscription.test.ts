// The delivery rules of a subscription, without a server: duplicates dropped, gaps never handed on, reset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Subscription, type Envelope, type ResetInfo } from '../../src/index.js';

function subscription(after?: number) {
  const seen: Envelope[] = [];
  const resets: ResetInfo[] = [];
  const hub = { remove: () => undefined } as never;
  const options: ConstructorParameters<typeof Subscription>[1] = {
    onEvent: (e) => {
      seen.push(e);
    },
    onReset: (r) => {
      resets.push(r);
    },
  };
  if (after !== undefined) options.after = after;
  const sub = new Subscription('room:x', options, hub);
  return { sub, seen, resets };
}

const env = (seq: number | undefined, type = 'message.created'): Envelope =>
  (seq === undefined ? { stream: 'room:x', type, at: 't', data: {} } : { stream: 'room:x', seq, type, at: 't', data: {} });

test('duplicates are dropped and a gap is refused (the transport resumes from lastSeq)', async () => {
  const { sub, seen } = subscription(4);
  assert.equal(sub.receive(env(5)), true);
  assert.equal(sub.receive(env(5)), true); // duplicate
  assert.equal(sub.receive(env(3)), true); // old
  assert.equal(sub.receive(env(7)), false); // gap: 6 is missing
  assert.equal(sub.receive(env(6)), true);
  assert.equal(sub.receive(env(undefined, 'typing')), true); // ephemeral passes
  await sub.drained();
  assert.deepEqual(seen.map((e) => e.seq ?? e.type), [5, 6, 'typing']);
  assert.equal(sub.lastSeq, 6);
});

test('a live-only subscription starts at the head the server reports; reset moves it to the new head', async () => {
  const { sub, seen, resets } = subscription();
  sub.subscribed(10);
  assert.equal(sub.lastSeq, 10);
  sub.receive(env(10));
  sub.receive(env(11));
  sub.receive({ stream: 'room:x', type: 'reset', at: 't', data: { earliest: 50, head: 60 } });
  sub.receive(env(61));
  await sub.drained();
  assert.deepEqual(seen.map((e) => e.seq), [11, 61]);
  assert.deepEqual(resets, [{ earliest: 50, head: 60 }]);
});
