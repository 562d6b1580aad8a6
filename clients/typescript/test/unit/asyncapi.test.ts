// docs/asyncapi.yaml cannot drift from the events module: every golden fixture validates against the schema that
// names it, every event type of EventTypes.java (and of the envelope fixtures) is a message, every $ref resolves.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { repoDir } from '../helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: any };

const doc = parse(readFileSync(join(repoDir, 'docs/asyncapi.yaml'), 'utf8')) as Schema;
const goldenDir = join(repoDir, 'events/src/test/resources/golden');
const fixtures = readdirSync(goldenDir).filter((f) => f.endsWith('.json')).sort();
const golden = (f: string): Json => JSON.parse(readFileSync(join(goldenDir, f), 'utf8')) as Json;

function resolve(ref: string): Schema {
  assert.ok(ref.startsWith('#/'), `only local refs: ${ref}`);
  let node: any = doc;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return node as Schema;
}

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The JSON Schema subset the document uses; answers the problems found (empty = valid). */
export function validate(schema: Schema, value: Json, at = '$'): string[] {
  if (schema.$ref) return validate(resolve(schema.$ref as string), value, at);
  const errors: string[] = [];
  for (const sub of (schema.allOf ?? []) as Schema[]) errors.push(...validate(sub, value, at));
  if (schema.anyOf && !(schema.anyOf as Schema[]).some((s) => validate(s, value, at).length === 0)) {
    errors.push(`${at}: matches none of anyOf`);
  }
  if (schema.oneOf && (schema.oneOf as Schema[]).filter((s) => validate(s, value, at).length === 0).length !== 1) {
    errors.push(`${at}: must match exactly one of oneOf`);
  }
  if (schema.not && validate(schema.not as Schema, value, at).length === 0) errors.push(`${at}: matches 'not'`);
  if ('const' in schema && schema.const !== value) errors.push(`${at}: must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as Json[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type as string[] : [schema.type as string];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
      errors.push(`${at}: is ${t}, expected ${types.join('|')}`);
      return errors;
    }
  }
  if (typeOf(value) === 'object') {
    const obj = value as { [k: string]: Json };
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in obj)) errors.push(`${at}: missing required ${key}`);
    }
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...validate(props[key], v, `${at}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: unexpected field ${key}`);
    }
  }
  if (typeOf(value) === 'array' && schema.items) {
    (value as Json[]).forEach((v, i) => errors.push(...validate(schema.items as Schema, v, `${at}[${i}]`)));
  }
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern as string).test(value)) {
    errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    errors.push(`${at}: below ${schema.minimum}`);
  }
  return errors;
}

const schemas = doc.components.schemas as Record<string, Schema>;
const messages = doc.components.messages as Record<string, Schema>;

/** Every event type named by a message (its `name`, or the list in `x-parley-types`). */
function messageTypes(): Set<string> {
  const names = new Set<string>();
  for (const m of Object.values(messages)) {
    names.add(m.name as string);
    for (const t of (m['x-parley-types'] ?? []) as string[]) names.add(t);
  }
  return names;
}

describe('docs/asyncapi.yaml', () => {
  test('is AsyncAPI 3 and every $ref in it resolves', () => {
    assert.equal(doc.asyncapi, '3.0.0');
    const refs: string[] = [];
    (function walk(node: unknown): void {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    })(doc);
    assert.ok(refs.length > 100);
    for (const ref of refs) assert.doesNotThrow(() => resolve(ref), ref);
  });

  test('every golden fixture of the events module is named by exactly one schema and validates against it', () => {
    assert.ok(fixtures.length >= 16, `found ${fixtures.length} fixtures in ${goldenDir}`);
    for (const f of fixtures) {
      const claimed = Object.entries(schemas).filter(([, s]) => s['x-parley-golden'] === f);
      assert.equal(claimed.length, 1, `${f} must be named by one schema's x-parley-golden (found ${claimed.length})`);
      const [name, schema] = claimed[0]!;
      assert.deepEqual(validate(schema, golden(f)), [], `${f} against ${name}`);
    }
    for (const [name, s] of Object.entries(schemas)) {
      if (s['x-parley-golden']) assert.ok(fixtures.includes(s['x-parley-golden'] as string), `${name}: no such fixture`);
    }
  });

  test('every event type of EventTypes.java and of the envelope fixtures is described by a message', () => {
    const java = readFileSync(join(repoDir, 'events/src/main/java/dev/parley/events/EventTypes.java'), 'utf8');
    const fromJava = [...java.matchAll(/public static final String \w+ = "([^"]+)";/g)].map((m) => m[1]!);
    assert.ok(fromJava.length >= 25, `read ${fromJava.length} types from EventTypes.java`);
    const fromFixtures = fixtures.map(golden).filter((g): g is { [k: string]: Json } =>
      typeOf(g) === 'object' && typeof (g as { type?: unknown }).type === 'string'
        && 'stream' in (g as object)).map((g) => g.type as string);
    assert.ok(fromFixtures.length >= 3);
    const described = messageTypes();
    for (const type of [...fromJava, ...fromFixtures]) assert.ok(described.has(type), `no message describes ${type}`);
  });

  test('every envelope fixture validates against a message of its type', () => {
    for (const f of fixtures) {
      const g = golden(f) as { [k: string]: Json };
      if (typeof g.type !== 'string' || !('stream' in g)) continue;
      const candidates = Object.entries(messages).filter(([, m]) => m.name === g.type);
      const results = candidates.map(([k, m]) => [k, validate(m.payload as Schema, g)] as const);
      assert.ok(results.some(([, e]) => e.length === 0),
        `${f} (${g.type}) fits no message: ${JSON.stringify(results)}`);
    }
  });

  test('the check can fail: a fixture with a field too many or one missing is refused', () => {
    const message = golden('session-message.json') as { [k: string]: Json };
    assert.notDeepEqual(validate(schemas.SessionMessage!, { ...message, extra: 1 }), []);
    const { author: _author, ...missing } = message;
    assert.notDeepEqual(validate(schemas.SessionMessage!, missing), []);
    assert.notDeepEqual(validate(schemas.TypingEnvelope!, { ...(golden('envelope-typing.json') as object), seq: 3 }), []);
  });

  test('every durable stream has an SSE channel, and the WebSocket channel carries every message', () => {
    const addresses = Object.values(doc.channels as Record<string, Schema>).map((c) => c.address as string);
    for (const a of ['/api/ws', '/api/channel/stream', '/api/agent-rooms/{roomId}/stream',
      '/api/sessions/{sessionId}/stream', '/api/me/stream', '/api/agents/inbox/stream', '/api/presence/stream']) {
      assert.ok(addresses.includes(a), `channel ${a}`);
    }
    const onWs = Object.values((doc.channels.webSocket.messages ?? {}) as Record<string, Schema>)
      .map((m) => m.$ref as string);
    for (const key of Object.keys(messages)) assert.ok(onWs.includes(`#/components/messages/${key}`), key);
  });
});
