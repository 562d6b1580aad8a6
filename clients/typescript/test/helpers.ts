// Shared by the tests: where the stack is, tokens from its /dev/token, clients, and waiting for conditions.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createClient, type ClientOptions, type ParleyClient, type WebSocketConstructor } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** clients/typescript (the tests run from build-test/test). */
export const moduleDir = resolve(here, '../..');
export const repoDir = resolve(moduleDir, '../..');

interface StackInfo {
  baseUrl: string;
  home?: string;
  ports?: Record<string, number>;
}

function readStack(): StackInfo {
  let recorded: StackInfo | undefined;
  try {
    recorded = JSON.parse(readFileSync(join(moduleDir, 'target/stack.json'), 'utf8')) as StackInfo;
  } catch {
    recorded = undefined;
  }
  const url = process.env.PARLEY_URL;
  if (url) {
    // the stack scripts/stack.mjs recorded, if that is the one named; else only what the environment says
    if (recorded && recorded.baseUrl === url.replace(/\/$/, '')) return recorded;
    const info: StackInfo = { baseUrl: url };
    if (process.env.PARLEY_HOME) info.home = process.env.PARLEY_HOME;
    return info;
  }
  return recorded ?? { baseUrl: 'http://localhost:8080' };
}

export const stack = readStack();
export const baseUrl = stack.baseUrl;

/** A tenant of its own per test file, so tests never see each other's channel, roster or rooms. */
export function tenant(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** A token from the local stack's `POST /dev/token`. */
export async function devToken(body: { tenant: string; user?: string; name?: string; app?: string }): Promise<string> {
  const response = await fetch(`${baseUrl}/dev/token`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`/dev/token answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** A client for a human of the tenant, with the `ws` package as WebSocket and a quick backoff. */
export function human(t: string, user: string, name: string, extra: Partial<ClientOptions> = {}): ParleyClient {
  return createClient({
    baseUrl,
    token: () => devToken({ tenant: t, user, name }),
    WebSocket: NodeWebSocket,
    backoffBaseMs: 200,
    backoffMaxMs: 2000,
    ...extra,
  });
}

export function app(t: string, appId: string, extra: Partial<ClientOptions> = {}): ParleyClient {
  return createClient({
    baseUrl,
    token: () => devToken({ tenant: t, app: appId }),
    WebSocket: NodeWebSocket,
    backoffBaseMs: 200,
    backoffMaxMs: 2000,
    ...extra,
  });
}

/** Polls `condition` until it gives a truthy value (answered), or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, condition: () => T | Promise<T>, timeoutMs = 20_000,
                                 intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A promise with its resolve, for a test to hold work open until it has seen something. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

/** Seqs must be consecutive, each once. */
export function assertConsecutive(seqs: number[]): boolean {
  return seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);
}
