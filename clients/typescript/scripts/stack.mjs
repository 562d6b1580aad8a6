// Starts / stops the real Parley stack the SDK's tests run against: `node scripts/stack.mjs up|down`.
// `up` picks free ports, runs the repository's `./parley up --fresh` with PARLEY_HOME under target/, and writes
// target/stack.json ({ baseUrl, home, ports }) for the tests. `down` runs `./parley down` on that home.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const module = resolve(here, '..');
const repo = resolve(module, '../..');
const target = join(module, 'target');
const home = process.env.PARLEY_TEST_HOME ?? join(target, 'parley-home');
const stackFile = join(target, 'stack.json');

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function parley(args, env) {
  const result = spawnSync(join(repo, 'parley'), args, { cwd: repo, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

const command = process.argv[2];
mkdirSync(target, { recursive: true });
const env = {
  PARLEY_HOME: home,
  PARLEY_NO_BUILD: process.env.PARLEY_NO_BUILD ?? '1',
  // a short channel retention, so the reset test can see a position fall out of the window
  PARLEY_JAVA_OPTS: `${process.env.PARLEY_JAVA_OPTS ?? ''} -Dparley.channel.retention.period=20s -Dparley.channel.retention.every=2s`.trim(),
};

if (command === 'up') {
  const names = ['gateway', 'presence', 'channel', 'rooms', 'sessions'];
  const ports = {};
  const taken = new Set();
  async function pick() {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  }
  for (const n of names) {
    ports[`${n}-port`] = await pick();
    ports[`${n}-mgmt-port`] = await pick();
  }
  for (const n of ['kafka-port', 'kafka-controller-port', 'pg-port', 'issuer-port']) {
    ports[n] = await pick();
  }
  const flags = Object.entries(ports).map(([k, v]) => `--${k}=${v}`);
  const baseUrl = `http://127.0.0.1:${ports['gateway-port']}`;
  writeFileSync(stackFile, JSON.stringify({ baseUrl, home, ports, repo }, null, 2));
  const started = Date.now();
  const status = parley(['up', '--fresh', ...flags], env);
  console.log(`parley up: exit ${status} in ${((Date.now() - started) / 1000).toFixed(1)} s; gateway ${baseUrl}`);
  process.exit(status);
} else if (command === 'down') {
  if (!existsSync(join(home, 'run'))) {
    console.log('parley down: nothing recorded under', home);
    process.exit(0);
  }
  process.exit(parley(['down'], env));
} else if (command === 'env') {
  console.log(readFileSync(stackFile, 'utf8'));
} else {
  console.error('usage: node scripts/stack.mjs up|down|env');
  process.exit(2);
}
