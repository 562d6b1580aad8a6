import { ParleyError } from './errors.js';
import type { Http, Tokens } from './http.js';
import type { Envelope, ResetInfo, StreamTicket } from './types.js';
import { backoffDelay, delay } from './util.js';

/** The W3C WebSocket surface the client uses: the browser's, Node ≥ 22's global one, or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export type SubscriptionState = 'subscribing' | 'subscribed' | 'closed';
export type Transport = 'websocket' | 'sse';

export interface SubscribeOptions<D = unknown> {
  /** Resume after this seq (every later event, then the live tail). Omit for live only. */
  after?: number;
  /** Every event in order: durable ones exactly once with no gap, ephemeral ones as they come. */
  onEvent: (event: Envelope<D>) => void | Promise<void>;
  /** The position is older than the stream keeps: reload by REST; the subscription goes on from `head`. */
  onReset?: (info: ResetInfo) => void | Promise<void>;
  /** A problem on this subscription. When `fatal`, the subscription has stopped (`state` is `closed`). */
  onError?: (error: ParleyError, fatal: boolean) => void;
  /** Called on every state change. */
  onState?: (state: SubscriptionState) => void;
}

export interface StreamOptions {
  baseUrl: string;
  http: Http;
  tokens: Tokens;
  fetch: typeof fetch;
  WebSocket: WebSocketConstructor | undefined;
  /** `subprotocol`: the token travels as `bearer.<jwt>` next to `parley.v1` (Node); `ticket`: `?ticket=` (browser). */
  streamAuth: 'subprotocol' | 'ticket';
  /** Transports in order of preference (default `['websocket', 'sse']`). */
  transports: Transport[];
  /** Failed WebSocket connects (never opened) before falling back to SSE (default 2). */
  fallbackAfter: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Interval of `ping` frames; a socket silent for 2.5 intervals is taken as dead (default 20 s). */
  pingIntervalMs: number;
  onError?: ((error: ParleyError) => void) | undefined;
}

/** A subscription's handle: `lastSeq`, `state`, `close()`. */
export class Subscription<D = unknown> {
  /** The seq of the last durable event delivered (or the head the subscription started from). */
  lastSeq: number | undefined;
  state: SubscriptionState = 'subscribing';
  /** Which transport carries it now. */
  transport: Transport | undefined;
  /** The stream's head the server reported when it (re)subscribed (WebSocket only). */
  head: number | null | undefined;

  private queue: Promise<void> = Promise.resolve();
  /** @internal */ sse: SseStream | undefined;

  /** @internal */
  constructor(readonly stream: string, private readonly options: SubscribeOptions<D>, private readonly hub: StreamHub) {
    this.lastSeq = options.after;
  }

  /** Stops the subscription; no callback runs after it. */
  close(): void {
    if (this.state === 'closed') {
      return;
    }
    this.setState('closed');
    this.hub.remove(this);
  }

  /** Sends a `typing` indicator on this stream (WebSocket frame, or the REST route where SSE carries it). */
  typing(as?: string): Promise<void> {
    return this.hub.typing(this, as);
  }

  /** Sends an ephemeral `signal` on this session stream (needs the WebSocket). */
  signal(data: unknown, as?: string): void {
    this.hub.signal(this, data, as);
  }

  /** Resolves once every event received so far has been handed to `onEvent` (and its promise settled). */
  drained(): Promise<void> {
    return this.queue;
  }

  /** @internal */
  setState(state: SubscriptionState): void {
    if (this.state === state || (this.state === 'closed')) {
      return;
    }
    this.state = state;
    this.options.onState?.(state);
  }

  /** @internal the server confirmed the subscription: a live-only one starts from the head. */
  subscribed(head: number | null | undefined): void {
    this.head = head;
    if (this.lastSeq === undefined && typeof head === 'number') {
      this.lastSeq = head;
    }
    this.setState('subscribed');
  }

  /** @internal one envelope from the wire; answers false on a gap (the caller resubscribes from `lastSeq`). */
  receive(envelope: Envelope): boolean {
    if (this.state === 'closed') {
      return true;
    }
    if (envelope.type === 'reset') {
      const info = envelope.data as ResetInfo;
      this.lastSeq = info.head;
      this.run(async () => {
        await this.options.onReset?.(info);
      });
      return true;
    }
    const seq = envelope.seq;
    if (typeof seq === 'number') {
      if (this.lastSeq !== undefined) {
        if (seq <= this.lastSeq) {
          return true; // a duplicate of something delivered already (replay overlapping the live tail)
        }
        if (seq > this.lastSeq + 1) {
          return false; // a gap: never handed on; the transport resumes from lastSeq
        }
      }
      this.lastSeq = seq;
    }
    this.run(async () => {
      await this.options.onEvent(envelope as Envelope<D>);
    });
    return true;
  }

  /** @internal */
  fail(error: ParleyError, fatal: boolean): void {
    if (this.state === 'closed') {
      return;
    }
    if (fatal) {
      this.setState('closed');
      this.hub.remove(this);
    }
    this.options.onError?.(error, fatal);
  }

  private run(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((e: unknown) => {
      const error = e instanceof ParleyError ? e
        : new ParleyError({ status: 0, code: 'client.handler_failed', detail: String(e), cause: e });
      this.options.onError?.(error, false);
    });
  }
}

/** The SSE path of a stream name. */
export function ssePath(stream: string): string {
  if (stream === 'channel') return '/api/channel/stream';
  if (stream === 'presence') return '/api/presence/stream';
  if (stream === 'me') return '/api/me/stream';
  if (stream === 'inbox') return '/api/agents/inbox/stream';
  if (stream.startsWith('room:')) return `/api/agent-rooms/${encodeURIComponent(stream.slice(5))}/stream`;
  if (stream.startsWith('session:')) return `/api/sessions/${encodeURIComponent(stream.slice(8))}/stream`;
  throw new ParleyError({ status: 0, code: 'stream.invalid', detail: `unknown stream ${stream}` });
}

/** The REST route of `typing` for clients without the WebSocket. */
function typingPath(stream: string): string | undefined {
  if (stream === 'channel') return '/api/channel/typing';
  if (stream.startsWith('room:')) return `/api/agent-rooms/${encodeURIComponent(stream.slice(5))}/typing`;
  if (stream.startsWith('session:')) return `/api/sessions/${encodeURIComponent(stream.slice(8))}/typing`;
  return undefined;
}

const FATAL_STREAM_CODES = new Set(['request.not_found', 'stream.invalid', 'stream.subscription_limit',
  'auth.forbidden', 'request.invalid']);

/** The streams of one client: one multiplexed WebSocket for every subscription, or SSE per stream as fallback. */
export class StreamHub {
  private readonly subs = new Map<string, Set<Subscription<any>>>();
  private readonly pending = new Set<string>();
  private socket: WebSocketLike | undefined;
  private socketState: 'idle' | 'connecting' | 'open' = 'idle';
  private mode: Transport;
  private attempts = 0;
  private failedConnects = 0;
  private everOpened = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private closed = false;
  private generation = 0;

  constructor(private readonly options: StreamOptions) {
    const wsAllowed = options.transports.includes('websocket') && options.WebSocket !== undefined;
    this.mode = wsAllowed ? 'websocket' : 'sse';
    if (!options.transports.includes('sse') && !wsAllowed) {
      throw new ParleyError({ status: 0, code: 'client.no_transport',
        detail: 'no WebSocket implementation: pass the WebSocket option, or allow the sse transport' });
    }
  }

  /** The transport new subscriptions use now. */
  get transport(): Transport {
    return this.mode;
  }

  subscribe<D>(stream: string, options: SubscribeOptions<D>): Subscription<D> {
    if (this.closed) {
      throw new ParleyError({ status: 0, code: 'client.closed', detail: 'the client was closed' });
    }
    ssePath(stream); // validates the name
    const sub = new Subscription<D>(stream, options, this);
    let set = this.subs.get(stream);
    if (!set) {
      set = new Set();
      this.subs.set(stream, set);
    }
    set.add(sub);
    if (this.mode === 'sse') {
      this.startSse(sub);
    } else {
      sub.transport = 'websocket';
      if (this.socketState === 'open') {
        this.sendSubscribe(stream);
      } else {
        this.connect();
      }
    }
    return sub;
  }

  /** @internal */
  remove(sub: Subscription<any>): void {
    const set = this.subs.get(sub.stream);
    sub.sse?.stop();
    if (!set || !set.delete(sub)) {
      return;
    }
    if (set.size === 0) {
      this.subs.delete(sub.stream);
      this.pending.delete(sub.stream);
      if (this.socketState === 'open') {
        this.sendFrame({ op: 'unsubscribe', stream: sub.stream });
      }
    }
    if (this.subs.size === 0) {
      this.disconnect();
    }
  }

  async typing(sub: Subscription<any>, as?: string): Promise<void> {
    if (sub.transport === 'websocket' && this.socketState === 'open') {
      this.sendFrame(as ? { op: 'typing', stream: sub.stream, as } : { op: 'typing', stream: sub.stream });
      return;
    }
    const path = typingPath(sub.stream);
    if (!path) {
      throw new ParleyError({ status: 0, code: 'stream.invalid', detail: `no typing on ${sub.stream}` });
    }
    await this.options.http.send('POST', path, as ? { body: { as } } : {});
  }

  signal(sub: Subscription<any>, data: unknown, as?: string): void {
    if (sub.transport !== 'websocket' || this.socketState !== 'open') {
      throw new ParleyError({ status: 0, code: 'client.not_connected', detail: 'signals need the WebSocket' });
    }
    this.sendFrame(as ? { op: 'signal', stream: sub.stream, data, as } : { op: 'signal', stream: sub.stream, data });
  }

  /** Sends `activity` (counts as presence activity). */
  activity(): void {
    if (this.socketState === 'open') {
      this.sendFrame({ op: 'activity' });
    }
  }

  /** Closes every subscription and the socket. */
  close(): void {
    this.closed = true;
    for (const set of [...this.subs.values()]) {
      for (const sub of [...set]) {
        sub.close();
      }
    }
    this.disconnect();
  }

  /** Drops the current WebSocket as if the network failed (the subscriptions reconnect and resume). */
  dropConnection(): void {
    const socket = this.socket;
    if (socket) {
      this.onSocketClosed(this.generation, socket, true, 4000, 'dropped by the client');
    }
  }

  // ---- WebSocket ---------------------------------------------------------------------------------------------

  private disconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.socketState = 'idle';
    this.generation++;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000, 'client closed');
      } catch {
        // already closed
      }
    }
  }

  private connect(): void {
    if (this.socketState !== 'idle' || this.closed || this.subs.size === 0 || this.mode !== 'websocket') {
      return;
    }
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.socketState = 'connecting';
    const generation = ++this.generation;
    void this.open(generation).catch((e: unknown) => {
      if (generation !== this.generation) {
        return;
      }
      this.socketState = 'idle';
      const error = e instanceof ParleyError ? e : new ParleyError({ status: 0, code: 'client.network',
        detail: String(e), cause: e });
      if (error.status === 401 || error.status === 403) {
        this.failAll(error);
        return;
      }
      this.connectFailed();
    });
  }

  private async open(generation: number): Promise<void> {
    const Ws = this.options.WebSocket!;
    const base = new URL(this.options.http.url('/api/ws'));
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    const protocols = ['parley.v1'];
    if (this.options.streamAuth === 'ticket') {
      const ticket = await this.options.http.json<StreamTicket>('POST', '/api/stream-tickets');
      base.searchParams.set('ticket', ticket.ticket);
    } else {
      protocols.push(`bearer.${await this.options.tokens.get()}`);
    }
    if (generation !== this.generation) {
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new Ws(base.toString(), protocols);
    } catch (e) {
      throw new ParleyError({ status: 0, code: 'client.websocket_unavailable', detail: String(e), cause: e });
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (generation !== this.generation) return;
      opened = true;
      this.everOpened = true;
      this.failedConnects = 0;
      this.socketState = 'open';
      this.lastFrameAt = Date.now();
      this.pingTimer = setInterval(() => this.ping(generation), this.options.pingIntervalMs);
      for (const stream of this.subs.keys()) {
        this.sendSubscribe(stream);
      }
    };
    socket.onmessage = (ev) => {
      if (generation !== this.generation) return;
      this.lastFrameAt = Date.now();
      if (typeof ev.data === 'string') {
        this.onFrame(ev.data);
      } else if (ev.data instanceof ArrayBuffer || ArrayBuffer.isView(ev.data)) {
        this.onFrame(new TextDecoder().decode(ev.data as ArrayBuffer));
      }
    };
    socket.onerror = () => {
      // the close event follows with the code
    };
    socket.onclose = (ev) => {
      this.onSocketClosed(generation, socket, opened, ev.code, ev.reason ?? '');
    };
  }

  private ping(generation: number): void {
    if (generation !== this.generation || this.socketState !== 'open') return;
    if (Date.now() - this.lastFrameAt > this.options.pingIntervalMs * 2.5) {
      this.dropConnection();
      return;
    }
    this.sendFrame({ op: 'ping' });
  }

  private onSocketClosed(generation: number, socket: WebSocketLike, opened: boolean, code: number,
                         reason: string): void {
    if (generation !== this.generation) return;
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close();
    } catch {
      // closed already
    }
    this.socket = undefined;
    this.socketState = 'idle';
    this.generation++;
    this.pending.clear();
    for (const set of this.subs.values()) {
      for (const sub of set) {
        sub.setState('subscribing');
      }
    }
    if (this.closed) return;
    if (!opened) {
      this.connectFailed();
      return;
    }
    if (code === 1008) {
      const revoked = /access to (\S+) was revoked/.exec(reason);
      if (revoked) {
        const stream = revoked[1]!;
        const error = new ParleyError({ status: 403, code: 'stream.revoked', detail: reason });
        for (const sub of [...(this.subs.get(stream) ?? [])]) {
          sub.fail(error, true);
        }
        this.scheduleReconnect(0);
        return;
      }
      // the token expired (or is no longer valid): a token function gives a new one, a fixed token cannot
      if (!this.options.tokens.refreshable) {
        this.failAll(new ParleyError({ status: 401, code: 'auth.expired', detail: reason || 'closed with 1008' }));
        return;
      }
      void this.options.tokens.get(true).then(() => this.scheduleReconnect(0),
        (e: unknown) => this.failAll(e instanceof ParleyError ? e
          : new ParleyError({ status: 401, code: 'auth.expired', detail: String(e), cause: e })));
      return;
    }
    if (code === 1001) {
      this.scheduleReconnect(0); // the gateway is going away: another instance takes us at once
      return;
    }
    this.scheduleReconnect(this.attempts++);
  }

  /** The socket did not open: find out why (a 401 refreshes the token), then retry or fall back to SSE. */
  private connectFailed(): void {
    this.failedConnects++;
    if (!this.everOpened && this.failedConnects >= this.options.fallbackAfter && this.options.transports.includes('sse')) {
      this.fallBackToSse();
      return;
    }
    // a refused upgrade shows no status in the WebSocket API: ask for a ticket, which checks the token the same way
    void this.options.http.send('POST', '/api/stream-tickets', { retry: false }).then(
      (r) => r.body?.cancel(),
      (e: unknown) => {
        if (e instanceof ParleyError && (e.status === 401 || e.status === 403)) {
          this.failAll(e);
        }
      },
    ).finally(() => {
      if (this.subs.size > 0 && this.mode === 'websocket') {
        this.scheduleReconnect(this.attempts++);
      }
    });
  }

  private scheduleReconnect(attempt: number): void {
    if (this.closed || this.subs.size === 0 || this.reconnectTimer) return;
    const wait = attempt === 0 ? 0 : backoffDelay(attempt, this.options.backoffBaseMs, this.options.backoffMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, wait);
  }

  private fallBackToSse(): void {
    this.mode = 'sse';
    this.disconnect();
    for (const set of this.subs.values()) {
      for (const sub of set) {
        this.startSse(sub);
      }
    }
  }

  private failAll(error: ParleyError): void {
    for (const set of [...this.subs.values()]) {
      for (const sub of [...set]) {
        sub.fail(error, true);
      }
    }
    this.options.onError?.(error);
  }

  private sendFrame(frame: Record<string, unknown>): void {
    try {
      this.socket?.send(JSON.stringify(frame));
    } catch {
      // the close handler takes over
    }
  }

  /** (Re)subscribes the stream on the socket from the lowest position any of its handles holds. */
  private sendSubscribe(stream: string): void {
    const set = this.subs.get(stream);
    if (!set || set.size === 0 || this.socketState !== 'open') return;
    let after: number | undefined;
    let any = false;
    for (const sub of set) {
      if (sub.lastSeq !== undefined) {
        after = after === undefined ? sub.lastSeq : Math.min(after, sub.lastSeq);
        any = true;
      }
    }
    this.pending.add(stream);
    this.sendFrame(any ? { op: 'subscribe', stream, after } : { op: 'subscribe', stream });
  }

  private onFrame(text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const op = frame['op'];
    const stream = typeof frame['stream'] === 'string' ? frame['stream'] : undefined;
    if (op === 'pong') return;
    if (op === 'subscribed') {
      if (!stream) return;
      this.pending.delete(stream);
      this.attempts = 0;
      for (const sub of this.subs.get(stream) ?? []) {
        sub.subscribed(frame['head'] as number | null);
      }
      return;
    }
    if (op === 'error') {
      const error = new ParleyError({ status: 0, code: String(frame['code'] ?? 'error'),
        detail: typeof frame['detail'] === 'string' ? frame['detail'] : undefined, body: frame });
      if (!stream || !this.subs.has(stream)) {
        this.options.onError?.(error);
        return;
      }
      if (FATAL_STREAM_CODES.has(error.code) && this.pending.has(stream)) {
        this.pending.delete(stream);
        for (const sub of [...(this.subs.get(stream) ?? [])]) {
          sub.fail(error, true);
        }
        return;
      }
      for (const sub of this.subs.get(stream) ?? []) {
        sub.fail(error, false);
      }
      if (this.pending.has(stream) && (error.code === 'service.unavailable' || error.code === 'rate.limited')) {
        // the owner is down or we were too fast: subscribe again later
        const generation = this.generation;
        setTimeout(() => {
          if (generation === this.generation) this.sendSubscribe(stream);
        }, backoffDelay(3, this.options.backoffBaseMs, this.options.backoffMaxMs) + 250);
      }
      return;
    }
    if (typeof frame['type'] !== 'string' || !stream) return;
    const envelope = frame as unknown as Envelope;
    let gap = false;
    for (const sub of this.subs.get(stream) ?? []) {
      if (!this.pending.has(stream) && !sub.receive(envelope)) {
        gap = true;
      }
      if (this.pending.has(stream) && envelope.seq === undefined && envelope.type !== 'reset') {
        sub.receive(envelope); // ephemeral events pass through while a resubscribe is under way
      }
    }
    if (gap) {
      this.sendSubscribe(stream); // the gateway replaces the subscription and replays from lastSeq
    }
  }

  // ---- SSE ---------------------------------------------------------------------------------------------------

  private startSse(sub: Subscription<any>): void {
    sub.transport = 'sse';
    sub.sse?.stop();
    sub.sse = new SseStream(sub, this.options);
    sub.sse.start();
  }
}

/** One SSE stream over `fetch` (works in Node and browsers, and carries the token in a header). */
class SseStream {
  private readonly abort = new AbortController();
  private current: AbortController | undefined;
  private attempts = 0;

  constructor(private readonly sub: Subscription<any>, private readonly options: StreamOptions) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.abort.abort();
    this.current?.abort();
  }

  private async loop(): Promise<void> {
    let refreshed = false;
    let everOpen = false;
    while (!this.abort.signal.aborted && this.sub.state as SubscriptionState !== 'closed') {
      const attempt = new AbortController();
      this.current = attempt;
      const onStop = (): void => attempt.abort();
      this.abort.signal.addEventListener('abort', onStop, { once: true });
      let wait: number | undefined;
      try {
        const token = await this.options.tokens.get();
        const after = this.sub.lastSeq;
        const url = this.options.http.url(ssePath(this.sub.stream), after === undefined ? {} : { after });
        const response = await this.options.fetch(url, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
          signal: attempt.signal,
        });
        if (!response.ok) {
          const error = await ParleyError.fromResponse(response);
          if (error.status === 401 && this.options.tokens.refreshable && !refreshed) {
            refreshed = true;
            await this.options.tokens.get(true);
            continue;
          }
          if (error.status === 401 || error.status === 403 || error.status === 404 || error.status === 400) {
            const revoked = everOpen && error.status === 404;
            this.sub.fail(revoked ? new ParleyError({ status: 404, code: 'stream.revoked',
              detail: `access to ${this.sub.stream} ended`, body: error.body }) : error, true);
            return;
          }
          this.sub.fail(error, false);
          wait = error.retryAfter !== undefined ? error.retryAfter * 1000 : undefined;
        } else {
          refreshed = false;
          await this.read(response, attempt, () => {
            everOpen = true;
            this.attempts = 0;
            this.sub.subscribed(undefined);
          });
        }
      } catch (e) {
        if (this.abort.signal.aborted) return;
        // network failure or a gap (aborted to resume): retry below
        void e;
      } finally {
        this.abort.signal.removeEventListener('abort', onStop);
      }
      if (this.abort.signal.aborted || this.sub.state as SubscriptionState === 'closed') return;
      this.sub.setState('subscribing');
      await delay(wait ?? backoffDelay(this.attempts++, this.options.backoffBaseMs, this.options.backoffMaxMs),
        this.abort.signal);
    }
  }

  private async read(response: Response, attempt: AbortController, opened: () => void): Promise<void> {
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let data: string[] = [];
    let isOpen = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        if (!isOpen) {
          isOpen = true;
          opened();
        }
        buffer += value;
        let nl: number;
        while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
          if (line === '') {
            if (data.length > 0) {
              const text = data.join('\n');
              data = [];
              let envelope: Envelope;
              try {
                envelope = JSON.parse(text) as Envelope;
              } catch {
                continue;
              }
              if (!this.sub.receive(envelope)) {
                attempt.abort(); // a gap: reconnect from lastSeq
                return;
              }
            }
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let val = colon < 0 ? '' : line.slice(colon + 1);
          if (val.startsWith(' ')) val = val.slice(1);
          if (field === 'data') data.push(val);
          // id: and event: repeat what the envelope carries (seq, type)
        }
      }
    } finally {
      reader.releaseLock();
      attempt.abort();
    }
  }
}
