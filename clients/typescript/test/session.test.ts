// Shared sessions against the real stack: the turn race, the sync badge, transcript offset retries, engine id
// convergence, live snapshots and the fenced, released lock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ParleyError, type ParleyClient, type SharedSession, type TurnResult } from '../src/index.js';
import { gate, human, tenant, waitFor } from './helpers.js';

const T = tenant('sessions');
const clients: ParleyClient[] = [];
const opened: SharedSession[] = [];
let ada: ParleyClient;
let bob: ParleyClient;

before(async () => {
  ada = human(T, 'ada', 'Ada');
  bob = human(T, 'bob', 'Bob');
  clients.push(ada, bob);
  await Promise.all([ada.me.get(), bob.me.get()]);
});
after(() => {
  for (const s of opened) s.close();
  for (const c of clients) c.close();
});

async function sharedPair(title: string): Promise<{ id: string; adaSession: SharedSession; bobSession: SharedSession }> {
  const session = await ada.sessions.create(title);
  await ada.sessions.share(session.id, 'user:bob');
  const [adaSession, bobSession] = await Promise.all([ada.sessions.open(session.id, { badgeIntervalMs: 0 }),
    bob.sessions.open(session.id, { badgeIntervalMs: 0 })]);
  opened.push(adaSession, bobSession);
  return { id: session.id, adaSession, bobSession };
}

describe('runTurn', () => {
  test('two members race for the turn: exactly one runs, the other sees who is responding', async () => {
    const { adaSession, bobSession } = await sharedPair('Race');
    const hold = gate();
    let ran = 0;
    const work = async (): Promise<string> => {
      ran++;
      await hold.promise; // the winner keeps the turn until the test has looked at the loser
      return 'done';
    };
    const adaTurn = adaSession.runTurn(work);
    const bobTurn = bobSession.runTurn(work);
    const loser = await Promise.race([adaTurn, bobTurn]);
    assert.equal(loser.status, 'held');
    const winnerName = loser.status === 'held' ? loser.holder.name : undefined;
    const losingSide = winnerName === 'Ada' ? bobSession : adaSession;
    const winningSide = winnerName === 'Ada' ? adaSession : bobSession;
    assert.equal(losingSide.state.responding, `${winnerName} is responding…`);
    assert.equal(winningSide.state.responding, null, 'the holder is not told someone is responding');
    hold.open();
    const results: TurnResult<string>[] = await Promise.all([adaTurn, bobTurn]);
    assert.equal(ran, 1, 'only one turn ran');
    assert.deepEqual(results.map((r) => r.status).sort(), ['held', 'ran']);
    await waitFor('the lock released for the other member too', () => losingSide.state.holder === null
      && losingSide.state.responding === null);
    // and now the other one can take the next turn
    const next = await losingSide.runTurn(async () => 'mine');
    assert.equal(next.status, 'ran');
  });

  test('a turn publishes messages and live snapshots with its fencing token, then releases the lock', async () => {
    const { id, adaSession, bobSession } = await sharedPair('Live');
    const seenLive: string[] = [];
    bobSession.onChange((state, event) => {
      if (event?.type === 'live.updated' && state.live) seenLive.push(state.live.text);
    });
    const result = await adaSession.runTurn(async (turn) => {
      await turn.message('user', 'summarise the plan');
      await turn.live({ text: 'The plan', thinking: 'reading' }, { force: true });
      await waitFor('bob sees the partial text', () => bobSession.state.live?.text === 'The plan');
      await turn.live({ text: 'The plan has' });
      await turn.live({ text: 'The plan has three steps.' }); // throttled: the latest wins
      await turn.message('assistant', 'The plan has three steps.');
      return turn.fencingToken;
    });
    assert.equal(result.status, 'ran');
    await waitFor('both messages on bob\'s side', () => bobSession.state.messages.length === 2);
    assert.deepEqual(bobSession.state.messages.map((m) => [m.role, m.content]),
      [['user', 'summarise the plan'], ['assistant', 'The plan has three steps.']]);
    const live = await waitFor('the final snapshot', async () => {
      const l = await bob.sessions.live(id);
      return l?.status === 'completed' ? l : undefined;
    });
    assert.equal(live.text, 'The plan has three steps.');
    assert.equal(live.startedBy, 'user:ada');
    assert.ok(seenLive.includes('The plan'));
    // the lock is free: bob acquires at once
    const turn = await bob.sessions.acquireTurn(id, 'bob-turn');
    assert.equal(turn.holder.ref, 'user:bob');
    assert.ok(result.status === 'ran' && turn.fencingToken > result.value, 'fencing tokens grow');
    await bob.sessions.releaseTurn(id);
  });

  test('the lock is released even when the work throws', async () => {
    const { id, adaSession } = await sharedPair('Throws');
    await assert.rejects(adaSession.runTurn(async () => {
      throw new Error('engine crashed');
    }), /engine crashed/);
    const turn = await bob.sessions.acquireTurn(id, 'after-crash');
    assert.equal(turn.holder.ref, 'user:bob');
    await bob.sessions.releaseTurn(id);
  });
});

describe('transcript and badge', () => {
  test('badge: notSynced before anyone published a transcript, synced once the rebuilt copy hashes to the head',
    async () => {
      const { adaSession, bobSession } = await sharedPair('Badge');
      assert.equal(bobSession.badge, 'notSynced', 'nothing published yet');
      const badges: string[] = [];
      bobSession.onChange((s) => {
        if (badges.at(-1) !== s.badge) badges.push(s.badge);
      });
      await adaSession.runTurn(async (turn) => {
        await turn.appendTranscript('{"role":"user","content":"hello"}\n');
        await turn.appendTranscript('{"role":"assistant","content":"hi — ✓"}\n');
      });
      await waitFor('bob\'s badge synced', () => bobSession.badge === 'synced');
      // ada's own check may still be running for the last transcript.appended she received back
      await waitFor('ada\'s badge synced', () => adaSession.badge === 'synced');
      assert.ok(badges.includes('syncing'), 'the check showed syncing while it ran');
      const head = await bob.sessions.transcriptHead(bobSession.id);
      assert.equal(bobSession.state.transcriptLength, head.length);
      assert.equal(await bobSession.verify(), 'synced');
    });

  test('pull-then-push: an append that lost the race for the offset pulls and lands after the other', async () => {
    const { id, adaSession, bobSession } = await sharedPair('Offsets');
    await adaSession.runTurn(async (turn) => {
      await turn.appendTranscript('a1\n');
    });
    await waitFor('bob synced', () => bobSession.badge === 'synced');
    const result = await bobSession.runTurn(async (turn) => {
      // someone else appends behind this member's back: bob's next push is at a stale offset
      const head = await ada.sessions.transcriptHead(id);
      await ada.sessions.appendTranscript(id, head.length, 'x1\n');
      await turn.appendTranscript('b1\n');
      return turn.transcript;
    });
    assert.equal(result.status, 'ran');
    assert.equal(result.status === 'ran' ? result.value : '', 'a1\nx1\nb1\n');
    const whole = await ada.sessions.transcript(id, 0);
    assert.equal(whole.data, 'a1\nx1\nb1\n');
    await waitFor('both synced', () => adaSession.badge === 'synced' && bobSession.badge === 'synced');
  });

  test('engine id: the first set wins and every member converges on it (409 engine.already_set)', async () => {
    const { id, adaSession, bobSession } = await sharedPair('Engine');
    const first = await adaSession.runTurn((turn) => turn.engineSessionId('engine-ada'));
    assert.equal(first.status === 'ran' ? first.value : '', 'engine-ada');
    assert.equal(await bob.sessions.setEngine(id, 'engine-bob'), 'engine-ada');
    const raw = await bob.sessions.get(id);
    assert.equal(raw.engineSessionId, 'engine-ada');
    await waitFor('bob\'s state knows it', () => bobSession.state.engineSessionId === 'engine-ada');
    const second = await bobSession.runTurn((turn) => turn.engineSessionId('engine-bob'));
    assert.equal(second.status === 'ran' ? second.value : '', 'engine-ada');
  });

  test('a non-member cannot open a session: 404, as if it did not exist', async () => {
    const session = await ada.sessions.create('Private');
    const eve = human(T, 'eve', 'Eve');
    clients.push(eve);
    await assert.rejects(eve.sessions.open(session.id), (e: unknown) => e instanceof ParleyError && e.status === 404);
  });
});
