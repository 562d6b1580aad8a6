// Kills the stack's gateway (kill -9 of the pid devstack recorded) and starts it again with the very same command
// line, working directory and environment, recording the new pid so `./parley down` stops it as before.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GatewayProcess {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  pidFile: string;
  logFile: string;
}

export function gatewayProcess(home: string): GatewayProcess {
  const pidFile = join(home, 'run/gateway.pid');
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return { argv, cwd: readlinkSync(`/proc/${pid}/cwd`), env, pidFile, logFile: join(home, 'logs/gateway.log') };
}

export function recordedPid(home: string): number {
  return Number(readFileSync(join(home, 'run/gateway.pid'), 'utf8').trim());
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL of the recorded gateway; resolves once it is gone. */
export async function killGateway(home: string): Promise<void> {
  const pid = recordedPid(home);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`gateway ${pid} still alive after SIGKILL`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the gateway again as devstack did; answers its pid. */
export function startGateway(p: GatewayProcess): number {
  const out = openSync(p.logFile, 'a');
  const child = spawn(p.argv[0]!, p.argv.slice(1), { cwd: p.cwd, env: p.env, detached: true,
    stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(p.pidFile, `${child.pid}\n`);
  return child.pid!;
}
