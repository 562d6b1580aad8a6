// Drives one shared-session turn: takes the turn-lock (or reports who holds it), converges on the engine session
// id, streams live snapshots, appends to the transcript, publishes the messages, releases, and prints the badge.
//
//   PARLEY_URL (default http://localhost:8080), PARLEY_TOKEN (else a dev token of PARLEY_TENANT / PARLEY_USER),
//   PARLEY_SESSION (a session id; default: a new session), PROMPT (what "the user" asks).
import WebSocket from 'ws';
import { createClient } from '@parley/client';

const baseUrl = process.env.PARLEY_URL ?? 'http://localhost:8080';
const tenant = process.env.PARLEY_TENANT ?? 'acme';
const user = process.env.PARLEY_USER ?? 'ada';
const prompt = process.env.PROMPT ?? 'Draft the launch checklist';

const token = process.env.PARLEY_TOKEN ?? (async () => {
  const r = await fetch(`${baseUrl}/dev/token`, { method: 'POST', body: JSON.stringify({ tenant, user }) });
  return (await r.json()).access_token;
});
const client = createClient({ baseUrl, token, WebSocket: globalThis.WebSocket ?? WebSocket });

const id = process.env.PARLEY_SESSION ?? (await client.sessions.create('Launch checklist')).id;
const session = await client.sessions.open(id);
console.log(`session ${id}: badge ${session.badge}, ${session.state.messages.length} messages so far`);

const result = await session.runTurn(async (turn) => {
  const engine = await turn.engineSessionId(`engine-${crypto.randomUUID()}`);
  await turn.message('user', prompt);
  let text = '';
  for (const word of ['1.', 'Freeze', 'the', 'branch.', '2.', 'Write', 'the', 'notes.', '3.', 'Ship.']) {
    text += (text ? ' ' : '') + word;
    await turn.live({ text, thinking: 'listing the steps' }); // throttled; the latest wins
  }
  await turn.live({ text, tools: [{ id: 'tool-1', name: 'checklist', status: 'done', summary: '3 steps' }] },
    { force: true }); // a tool boundary: written at once
  await turn.appendTranscript(`${JSON.stringify({ role: 'user', content: prompt })}\n`);
  await turn.appendTranscript(`${JSON.stringify({ role: 'assistant', content: text })}\n`);
  await turn.message('assistant', text);
  return { engine, text };
});

if (result.status === 'held') {
  console.log(`${result.holder.name ?? result.holder.ref} is responding… try again when the turn ends`);
} else {
  console.log(`turn done on engine ${result.value.engine}: ${result.value.text}`);
}
console.log(`badge: ${await session.verify()}`);
session.close();
client.close();
