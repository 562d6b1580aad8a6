// The examples, run as a user runs them (node agent.mjs / node turn.mjs) against the real stack.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ParleyClient } from '../src/index.js';
import { baseUrl, human, moduleDir, repoDir, tenant, unique, waitFor } from './helpers.js';

const T = tenant('examples');
const children: ChildProcess[] = [];
let ada: ParleyClient;
let scratch: string;

/** What `npm install` in the example does, without the network: link @parley/client and ws. */
function link(example: string): string {
  const dir = join(repoDir, 'examples', example);
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@parley'), { recursive: true });
  if (!existsSync(join(modules, '@parley/client'))) symlinkSync(moduleDir, join(modules, '@parley/client'), 'dir');
  if (!existsSync(join(modules, 'ws'))) symlinkSync(join(moduleDir, 'node_modules/ws'), join(modules, 'ws'), 'dir');
  return dir;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(example: string, script: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, [script], { cwd: link(example), env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

before(async () => {
  ada = human(T, 'ada', 'Ada');
  await ada.me.get();
  scratch = mkdtempSync(join(tmpdir(), 'parley-examples-'));
});
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  ada.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('examples', () => {
  test('standup-agent answers a mention, and after a restart answers what it missed — once', async () => {
    const room = await ada.rooms.create({ name: unique('standup'), members: ['standup:bot'] });
    const env = { PARLEY_URL: baseUrl, PARLEY_TENANT: T, PARLEY_APP: 'standup', PARLEY_AGENT: 'bot',
      STATE_FILE: join(scratch, 'standup.json') };
    const botReplies = async (): Promise<string[]> => (await ada.rooms.messages(room.id)).items
      .filter((m) => m.sender === 'standup:bot').map((m) => m.content);

    const first = run('standup-agent', 'agent.mjs', env);
    await waitFor('the agent listening', () => first.output().includes('listening'), 30_000);
    await ada.rooms.post(room.id, '@standup:bot finished the release notes');
    await ada.rooms.post(room.id, 'a broadcast the agent only reads');
    const one = await waitFor('the answer', async () => {
      const r = await botReplies();
      return r.length === 1 ? r : undefined;
    });
    assert.match(one[0]!, /Standup noted, Ada: “finished the release notes”/);
    first.child.kill('SIGTERM');
    await first.exited;

    await ada.rooms.post(room.id, '@standup:bot blocked on the review');
    const second = run('standup-agent', 'agent.mjs', env);
    await waitFor('the answer to the mention it missed', async () => (await botReplies()).length === 2, 30_000);
    await ada.rooms.post(room.id, '@standup:bot and now?');
    await waitFor('the live answer', async () => (await botReplies()).length === 3, 30_000);
    const replies = await botReplies();
    assert.deepEqual(replies.map((r) => /“(.*)”/.exec(r)?.[1]),
      ['finished the release notes', 'blocked on the review', 'and now?'], 'each mention answered once, in order');
    second.child.kill('SIGTERM');
    await second.exited;
  });

  test('session-turn runs one turn and ends synced', async () => {
    const turn = run('session-turn', 'turn.mjs', { PARLEY_URL: baseUrl, PARLEY_TENANT: T, PARLEY_USER: 'ada' });
    const code = await turn.exited;
    assert.equal(code, 0, turn.output());
    assert.match(turn.output(), /turn done on engine engine-/);
    assert.match(turn.output(), /badge: synced/);
    const id = /session ([0-9a-f-]{36})/.exec(turn.output())![1]!;
    const messages = await ada.sessions.messages(id);
    assert.deepEqual(messages.items.map((m) => m.role), ['user', 'assistant']);
    assert.equal((await ada.sessions.get(id)).engineSessionId?.startsWith('engine-'), true);
  });

  test('the ten lines at the top of the SDK README print a posted message live', async () => {
    const readme = readFileSync(join(moduleDir, 'README.md'), 'utf8');
    const first = /```js\n([\s\S]*?)```/.exec(readme)![1]!;
    assert.ok(readme.split('\n').slice(0, 11).join('\n').includes(first.trim().split('\n').at(-1)!),
      'the snippet is within the first lines');
    const dir = join(scratch, 'readme');
    mkdirSync(join(dir, 'node_modules/@parley'), { recursive: true });
    symlinkSync(moduleDir, join(dir, 'node_modules/@parley/client'), 'dir');
    symlinkSync(join(moduleDir, 'node_modules/ws'), join(dir, 'node_modules/ws'), 'dir');
    const own = tenant('readme');
    writeFileSync(join(dir, 'readme.mjs'), first.replaceAll('http://localhost:8080', baseUrl)
      .replaceAll("tenant: 'acme'", `tenant: '${own}'`));
    const child = spawn(process.execPath, ['readme.mjs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await waitFor('the message printed by the subscription', () => /1 message\.created Hello from the SDK!/.test(out),
      30_000);
    child.kill('SIGKILL');
  });
});
