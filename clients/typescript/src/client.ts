import { Agent } from './agent.js';
import { ParleyError } from './errors.js';
import { Http, Tokens, type RequestOptions, type TokenSource } from './http.js';
import { SharedSession, type SharedSessionOptions } from './session.js';
import {
  StreamHub, type SubscribeOptions, type Subscription, type Transport, type WebSocketConstructor,
} from './streams.js';
import type {
  Approval, Approvers, Attachment, ChannelMessage, Discovery, Envelope, LedgerEntry, LedgerHead, LiveInput,
  LiveSnapshot, Me, NewChannelMessage, NewRoom, NewRoomMessage, NewSessionMessage, Page, PageQuery, QueueEntry,
  Ref, Room, RoomMember, RoomMessage, RoomSearchHit, RosterEntry, SearchHit, Session, SessionMember,
  SessionMessage, Share, StreamName, StreamTicket, SyncState, Tab, TranscriptAppended, TranscriptChunk,
  TranscriptHead, Turn, TurnPolicy,
} from './types.js';

export interface ClientOptions {
  /** The gateway, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** An access token, or a function giving one; called again when the server says the token expired. */
  token: TokenSource;
  /** A WebSocket implementation (default `globalThis.WebSocket`; in Node 20 pass the `ws` package's). */
  WebSocket?: WebSocketConstructor;
  /** A fetch implementation (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** How streams authenticate: default `ticket` in a browser, `subprotocol` elsewhere. */
  streamAuth?: 'subprotocol' | 'ticket';
  /** Transports in order of preference (default `['websocket', 'sse']`). */
  transports?: Transport[];
  /** WebSocket connects that fail (without ever opening) before the client uses SSE (default 2). */
  fallbackAfter?: number;
  /** Reconnect backoff: full jitter in [0, min(max, base·2^n)) (defaults 500 ms and 15 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** WebSocket ping interval (default 20 s). */
  pingIntervalMs?: number;
  /** 429/503 retries of one request (default 4), and the longest wait for one `Retry-After` (default 30 s). */
  maxRetries?: number;
  maxRetryWaitMs?: number;
  /** Problems not tied to one subscription (a refused connection, an error frame without a stream). */
  onError?: (error: ParleyError) => void;
}

/** Options of a create: a key of your own makes a retry across restarts of your process idempotent too. */
export interface CreateOptions {
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface UploadOptions extends CreateOptions {
  /** Called with bytes sent so far and the total (in a browser through XHR; elsewhere once at the end). */
  onProgress?: (loaded: number, total: number) => void;
  /** File name when the body is a Blob without one (or bytes). */
  name?: string;
  contentType?: string;
}

export interface ReconcileResult {
  /** Sessions shared with you since `after` (and not revoked later), in order. */
  granted: Share[];
  /** Sessions whose share was revoked since `after`. */
  revoked: Share[];
  /** The `me` seq of the last record read: store it and pass it as `after` next time. */
  lastSeq: number;
}

const isBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined';

/** Creates a client. Nothing connects until the first call or subscription. */
export function createClient(options: ClientOptions): ParleyClient {
  return new ParleyClient(options);
}

/** One Parley client: typed REST, and every stream over one multiplexed WebSocket (SSE as fallback). */
export class ParleyClient {
  /** @internal */ readonly http: Http;
  /** @internal */ readonly hub: StreamHub;
  readonly baseUrl: string;

  readonly me: MeApi;
  readonly presence: PresenceApi;
  readonly channel: ChannelApi;
  readonly attachments: AttachmentsApi;
  readonly rooms: RoomsApi;
  readonly sessions: SessionsApi;
  readonly shares: SharesApi;
  readonly sync: SyncApi;
  readonly search: SearchApi;

  constructor(options: ClientOptions) {
    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    const tokens = new Tokens(options.token);
    this.baseUrl = options.baseUrl;
    this.http = new Http({ baseUrl: options.baseUrl, tokens, fetch: fetchImpl,
      maxRetries: options.maxRetries ?? 4, maxRetryWaitMs: options.maxRetryWaitMs ?? 30_000 });
    const ws = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    this.hub = new StreamHub({
      baseUrl: options.baseUrl, http: this.http, tokens, fetch: fetchImpl, WebSocket: ws,
      streamAuth: options.streamAuth ?? (isBrowser ? 'ticket' : 'subprotocol'),
      transports: options.transports ?? ['websocket', 'sse'],
      fallbackAfter: options.fallbackAfter ?? 2,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 15_000,
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      onError: options.onError,
    });
    this.me = new MeApi(this.http, this.hub);
    this.presence = new PresenceApi(this.http);
    this.channel = new ChannelApi(this.http);
    this.attachments = new AttachmentsApi(this.http, tokens);
    this.rooms = new RoomsApi(this.http);
    this.sessions = new SessionsApi(this.http, this);
    this.shares = new SharesApi(this.http);
    this.sync = new SyncApi(this.http, this);
    this.search = new SearchApi(this.http);
  }

  /**
   * Subscribes to a stream: `channel`, `presence`, `me`, `inbox`, `room:<id>`, `session:<id>`. With `after`, every
   * later event is delivered first (replay), then the live tail; without, live only. Across reconnects the
   * subscription resumes from `lastSeq`; `onEvent` never sees a gap or a duplicate.
   */
  subscribe<D = unknown>(stream: StreamName | string, options: SubscribeOptions<D>): Subscription<D> {
    return this.hub.subscribe(stream, options);
  }

  /** The transport new subscriptions use (`sse` once the WebSocket could not connect). */
  get transport(): Transport {
    return this.hub.transport;
  }

  /** A single-use stream ticket (30 s), for `?ticket=` on a stream URL or an `<img src>`. */
  streamTicket(): Promise<StreamTicket> {
    return this.http.json('POST', '/api/stream-tickets');
  }

  /** Reports presence activity (a WebSocket `activity` frame when connected, else the REST route). */
  async activity(): Promise<void> {
    await this.http.send('POST', '/api/presence/activity');
  }

  /** The agents of an app token: `client.agent('cmo').onMessage(…)`. */
  agent(slug: string): Agent {
    return new Agent(this, slug);
  }

  /** Closes every subscription and the WebSocket. */
  close(): void {
    this.hub.close();
  }

  /** @internal simulates a network cut of the WebSocket (tests and demos). */
  dropConnection(): void {
    this.hub.dropConnection();
  }
}

function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}

function create(options: CreateOptions | undefined): Pick<RequestOptions, 'idempotencyKey' | 'signal'> {
  const out: Pick<RequestOptions, 'idempotencyKey' | 'signal'> = { idempotencyKey: options?.idempotencyKey ?? true };
  if (options?.signal) out.signal = options.signal;
  return out;
}

function page(query: PageQuery | undefined): RequestOptions['query'] {
  return { before: query?.before, after: query?.after, limit: query?.limit };
}

export class MeApi {
  constructor(private readonly http: Http, private readonly hub: StreamHub) {}

  /** `GET /api/me`. */
  get(): Promise<Me> {
    return this.http.json('GET', '/api/me');
  }

  /** `PUT /api/me/discovery`: what this person is shown. */
  setDiscovery(discovery: Partial<Discovery>): Promise<Me> {
    return this.http.json('PUT', '/api/me/discovery', { body: discovery });
  }

  /** Your `me` stream: shares, revokes, mentions, sync pairing. */
  subscribe(options: SubscribeOptions): Subscription {
    return this.hub.subscribe('me', options);
  }
}

export class PresenceApi {
  constructor(private readonly http: Http) {}

  list(): Promise<Page<RosterEntry>> {
    return this.http.json('GET', '/api/presence');
  }

  syncPartners(): Promise<Page<RosterEntry>> {
    return this.http.json('GET', '/api/presence/sync-partners');
  }

  async activity(): Promise<void> {
    await this.http.send('POST', '/api/presence/activity');
  }
}

export class ChannelApi {
  constructor(private readonly http: Http) {}

  messages(query?: PageQuery): Promise<Page<ChannelMessage>> {
    return this.http.json('GET', '/api/channel/messages', { query: page(query) });
  }

  message(id: string): Promise<ChannelMessage> {
    return this.http.json('GET', path`/api/channel/messages/${id}`);
  }

  /** Posts with an `Idempotency-Key`; retried after 429/503 with the same key, so it never posts twice. */
  post(message: NewChannelMessage | string, options?: CreateOptions): Promise<ChannelMessage> {
    const body = typeof message === 'string' ? { body: message } : message;
    return this.http.json('POST', '/api/channel/messages', { body, ...create(options) });
  }

  edit(id: string, body: string): Promise<ChannelMessage> {
    return this.http.json('PATCH', path`/api/channel/messages/${id}`, { body: { body }, retry: true });
  }

  async delete(id: string): Promise<void> {
    await this.http.send('DELETE', path`/api/channel/messages/${id}`);
  }

  react(id: string, emoji: string): Promise<ChannelMessage> {
    return this.http.json('PUT', path`/api/channel/messages/${id}/reactions/${emoji}`);
  }

  unreact(id: string, emoji: string): Promise<ChannelMessage> {
    return this.http.json('DELETE', path`/api/channel/messages/${id}/reactions/${emoji}`);
  }

  async typing(): Promise<void> {
    await this.http.send('POST', '/api/channel/typing');
  }

  /** `GET /api/channel/search?q=` (newest first). */
  search(q: string, query?: { before?: number; limit?: number }): Promise<Page<SearchHit<ChannelMessage>>> {
    return this.http.json('GET', '/api/channel/search', { query: { q, before: query?.before, limit: query?.limit } });
  }
}

export class AttachmentsApi {
  constructor(private readonly http: Http, private readonly tokens: Tokens) {}

  /**
   * `POST /api/attachments` (multipart field `file`). In a browser with `XMLHttpRequest`, `onProgress` follows the
   * upload; elsewhere it is called once when the upload is done.
   */
  async upload(file: Blob | Uint8Array, options?: UploadOptions): Promise<Attachment> {
    const blob = file instanceof Blob ? file
      : new Blob([file as Uint8Array<ArrayBuffer>], { type: options?.contentType ?? 'application/octet-stream' });
    const name = options?.name ?? (file as { name?: string }).name ?? 'file';
    const key = options?.idempotencyKey ?? globalThis.crypto.randomUUID();
    const Xhr = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
    if (Xhr && options?.onProgress) {
      return this.uploadXhr(Xhr, blob, name, key, options.onProgress);
    }
    const form = new FormData();
    form.append('file', blob, name);
    const requestOptions: RequestOptions = { body: form, idempotencyKey: key };
    if (options?.signal) requestOptions.signal = options.signal;
    const attachment = await this.http.json<Attachment>('POST', '/api/attachments', requestOptions);
    options?.onProgress?.(blob.size, blob.size);
    return attachment;
  }

  private async uploadXhr(Xhr: typeof XMLHttpRequest, blob: Blob, name: string, key: string,
                          onProgress: (loaded: number, total: number) => void): Promise<Attachment> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.get(attempt > 0);
      const result = await new Promise<{ status: number; text: string; retryAfter: string | null }>((resolve, reject) => {
        const xhr = new Xhr();
        xhr.open('POST', this.http.url('/api/attachments'));
        xhr.setRequestHeader('Authorization', `Bearer ${token}`);
        xhr.setRequestHeader('Idempotency-Key', key);
        xhr.upload.onprogress = (ev) => onProgress(ev.loaded, ev.total || blob.size);
        xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText,
          retryAfter: xhr.getResponseHeader('Retry-After') });
        xhr.onerror = () => reject(new ParleyError({ status: 0, code: 'client.network', detail: 'upload failed' }));
        const form = new FormData();
        form.append('file', blob, name);
        xhr.send(form);
      });
      if (result.status >= 200 && result.status < 300) {
        return JSON.parse(result.text) as Attachment;
      }
      const error = await ParleyError.fromResponse(new Response(result.text, { status: result.status,
        headers: result.retryAfter ? { 'Retry-After': result.retryAfter } : {} }));
      if (attempt < 3 && (result.status === 401 || result.status === 429 || result.status === 503)) {
        await new Promise((r) => setTimeout(r, (error.retryAfter ?? (result.status === 401 ? 0 : 1)) * 1000));
        continue;
      }
      throw error;
    }
  }

  /** The bytes of an attachment. */
  async download(id: string): Promise<Blob> {
    const response = await this.http.send('GET', path`/api/attachments/${id}`);
    return response.blob();
  }

  /** A URL for `<img src>`: `?ticket=` (single use) and `disposition=inline`. */
  async inlineUrl(id: string): Promise<string> {
    const ticket = await this.http.json<StreamTicket>('POST', '/api/stream-tickets');
    return this.http.url(path`/api/attachments/${id}`, { ticket: ticket.ticket, disposition: 'inline' });
  }
}

export class RoomsApi {
  constructor(private readonly http: Http) {}

  create(room: NewRoom, options?: CreateOptions): Promise<Room> {
    return this.http.json('POST', '/api/agent-rooms', { body: room, ...create(options) });
  }

  list(): Promise<Page<Room>> {
    return this.http.json('GET', '/api/agent-rooms');
  }

  get(id: string): Promise<Room> {
    return this.http.json('GET', path`/api/agent-rooms/${id}`);
  }

  /** Adds a member (`name`: an agent's display name in this tenant). */
  addMember(id: string, ref: Ref, name?: string, options?: CreateOptions): Promise<RoomMember> {
    return this.http.json('POST', path`/api/agent-rooms/${id}/members`,
      { body: name ? { ref, name } : { ref }, ...create(options) });
  }

  async removeMember(id: string, ref: Ref): Promise<void> {
    await this.http.send('DELETE', path`/api/agent-rooms/${id}/members/${ref}`);
  }

  messages(id: string, query?: PageQuery): Promise<Page<RoomMessage>> {
    return this.http.json('GET', path`/api/agent-rooms/${id}/messages`, { query: page(query) });
  }

  post(id: string, message: NewRoomMessage | string, options?: CreateOptions): Promise<RoomMessage> {
    const body = typeof message === 'string' ? { content: message } : message;
    return this.http.json('POST', path`/api/agent-rooms/${id}/messages`, { body, ...create(options) });
  }

  async typing(id: string, as?: string): Promise<void> {
    await this.http.send('POST', path`/api/agent-rooms/${id}/typing`, as ? { body: { as } } : {});
  }

  /** `GET /api/agent-rooms/search?q=&room=`. */
  search(q: string, query?: { room?: string; before?: number; limit?: number }): Promise<Page<RoomSearchHit>> {
    return this.http.json('GET', '/api/agent-rooms/search',
      { query: { q, room: query?.room, before: query?.before, limit: query?.limit } });
  }
}

export class SearchApi {
  constructor(private readonly http: Http) {}

  channel(q: string, query?: { before?: number; limit?: number }): Promise<Page<SearchHit<ChannelMessage>>> {
    return this.http.json('GET', '/api/channel/search', { query: { q, before: query?.before, limit: query?.limit } });
  }

  rooms(q: string, query?: { room?: string; before?: number; limit?: number }): Promise<Page<RoomSearchHit>> {
    return this.http.json('GET', '/api/agent-rooms/search',
      { query: { q, room: query?.room, before: query?.before, limit: query?.limit } });
  }
}

export class SessionsApi {
  constructor(private readonly http: Http, private readonly client: ParleyClient) {}

  create(title: string, options?: CreateOptions): Promise<Session> {
    return this.http.json('POST', '/api/sessions', { body: { title }, ...create(options) });
  }

  list(): Promise<Page<Session>> {
    return this.http.json('GET', '/api/sessions');
  }

  get(id: string): Promise<Session> {
    return this.http.json('GET', path`/api/sessions/${id}`);
  }

  /** Owner only: `turnPolicy` `refuse` or `queue`. */
  update(id: string, patch: { turnPolicy?: TurnPolicy; title?: string }): Promise<Session> {
    return this.http.json('PATCH', path`/api/sessions/${id}`, { body: patch, retry: true });
  }

  /** Owner only: shares the session (writer access, a durable share record for the recipient). */
  share(id: string, ref: Ref, options?: CreateOptions): Promise<SessionMember> {
    return this.http.json('POST', path`/api/sessions/${id}/members`, { body: { ref }, ...create(options) });
  }

  async unshare(id: string, ref: Ref): Promise<void> {
    await this.http.send('DELETE', path`/api/sessions/${id}/members/${ref}`);
  }

  messages(id: string, query?: PageQuery): Promise<Page<SessionMessage>> {
    return this.http.json('GET', path`/api/sessions/${id}/messages`, { query: page(query) });
  }

  postMessage(id: string, message: NewSessionMessage, options?: CreateOptions): Promise<SessionMessage> {
    return this.http.json('POST', path`/api/sessions/${id}/messages`, { body: message, ...create(options) });
  }

  /** The live snapshot, or null before any. */
  async live(id: string): Promise<LiveSnapshot | null> {
    const snapshot = await this.http.json<LiveSnapshot | undefined>('GET', path`/api/sessions/${id}/live`);
    return snapshot ?? null;
  }

  putLive(id: string, live: LiveInput & { turnId: string; fencingToken: number }): Promise<LiveSnapshot> {
    return this.http.json('PUT', path`/api/sessions/${id}/live`, { body: live });
  }

  transcript(id: string, from = 0): Promise<TranscriptChunk> {
    return this.http.json('GET', path`/api/sessions/${id}/transcript`, { query: { from } });
  }

  transcriptHead(id: string): Promise<TranscriptHead> {
    return this.http.json('GET', path`/api/sessions/${id}/transcript/head`);
  }

  /** Appends at `offset` (409 `transcript.offset_mismatch` with the current `length` otherwise). */
  appendTranscript(id: string, offset: number, data: string, fencingToken?: number): Promise<TranscriptAppended> {
    const body: Record<string, unknown> = { offset, data };
    if (fencingToken !== undefined) body['fencingToken'] = fencingToken;
    return this.http.json('POST', path`/api/sessions/${id}/transcript`, { body, retry: true });
  }

  /** Sets the shared engine session id; answers the one every member converges on. */
  async setEngine(id: string, engineSessionId: string): Promise<string> {
    try {
      const answer = await this.http.json<{ engineSessionId: string }>('PUT', path`/api/sessions/${id}/engine`,
        { body: { engineSessionId } });
      return answer.engineSessionId;
    } catch (e) {
      if (e instanceof ParleyError && e.code === 'engine.already_set' && typeof e.body['engineSessionId'] === 'string') {
        return e.body['engineSessionId'];
      }
      throw e;
    }
  }

  acquireTurn(id: string, turnId: string, queueId?: string): Promise<Turn> {
    return this.http.json('POST', path`/api/sessions/${id}/turn`,
      { body: queueId ? { turnId, queueId } : { turnId }, retry: true });
  }

  heartbeat(id: string): Promise<Turn> {
    return this.http.json('POST', path`/api/sessions/${id}/turn/heartbeat`, { retry: true });
  }

  async releaseTurn(id: string): Promise<void> {
    await this.http.send('DELETE', path`/api/sessions/${id}/turn`);
  }

  /** Any member asks the holder to stop (202). */
  async cancelTurn(id: string, turnId: string, reason?: string): Promise<void> {
    await this.http.send('POST', path`/api/sessions/${id}/turn/cancel`,
      { body: reason ? { turnId, reason } : { turnId }, retry: true });
  }

  async typing(id: string): Promise<void> {
    await this.http.send('POST', path`/api/sessions/${id}/typing`);
  }

  // -- prompt queue (sessions with turnPolicy "queue")
  queue(id: string): Promise<Page<QueueEntry>> {
    return this.http.json('GET', path`/api/sessions/${id}/queue`);
  }

  enqueue(id: string, content: string, options?: CreateOptions & { clientId?: string }): Promise<QueueEntry> {
    const body = options?.clientId ? { content, clientId: options.clientId } : { content };
    return this.http.json('POST', path`/api/sessions/${id}/queue`, { body, ...create(options) });
  }

  editQueued(id: string, queueId: string, content: string): Promise<QueueEntry> {
    return this.http.json('PATCH', path`/api/sessions/${id}/queue/${queueId}`, { body: { content }, retry: true });
  }

  async dequeue(id: string, queueId: string): Promise<void> {
    await this.http.send('DELETE', path`/api/sessions/${id}/queue/${queueId}`);
  }

  reorderQueue(id: string, ids: string[]): Promise<Page<QueueEntry>> {
    return this.http.json('PUT', path`/api/sessions/${id}/queue/order`, { body: { ids } });
  }

  // -- approvals
  requestApproval(id: string, request: { turnId: string; tool: { name: string; summary: string };
    approvers?: Approvers; expiresIn?: string }, options?: CreateOptions): Promise<Approval> {
    return this.http.json('POST', path`/api/sessions/${id}/approvals`, { body: request, ...create(options) });
  }

  decide(id: string, approvalId: string, decision: 'approve' | 'deny', note?: string): Promise<Approval> {
    return this.http.json('POST', path`/api/sessions/${id}/approvals/${approvalId}/decision`,
      { body: note ? { decision, note } : { decision }, retry: true });
  }

  // -- fork and ledger
  fork(id: string, fork: { title: string; atSeq?: number }, options?: CreateOptions): Promise<Session> {
    return this.http.json('POST', path`/api/sessions/${id}/fork`, { body: fork, ...create(options) });
  }

  ledger(id: string, after?: number): Promise<Page<LedgerEntry>> {
    return this.http.json('GET', path`/api/sessions/${id}/ledger`, { query: { after } });
  }

  ledgerHead(id: string): Promise<LedgerHead> {
    return this.http.json('GET', path`/api/sessions/${id}/ledger/head`);
  }

  /** Opens a shared session: its state from the stream, `runTurn`, and the sync badge. */
  open(id: string, options?: SharedSessionOptions): Promise<SharedSession> {
    return SharedSession.open(this.client, id, options);
  }
}

export class SharesApi {
  constructor(private readonly http: Http) {}

  /** `GET /api/me/shares?after=`: one page of your share and revoke records. */
  list(after = 0, limit?: number): Promise<Page<Share>> {
    return this.http.json('GET', '/api/me/shares', { query: { after, limit } });
  }

  /**
   * Reads every share record after `after` (the `lastSeq` of the previous reconcile; 0 the first time) and
   * answers what changed while you were away: sessions granted (still granted) and revoked.
   */
  async reconcile(options?: { after?: number }): Promise<ReconcileResult> {
    let after = options?.after ?? 0;
    const last = new Map<string, Share>();
    for (;;) {
      const pageOf = await this.list(after, 100);
      for (const share of pageOf.items) {
        last.set(share.sessionId, share);
        after = Math.max(after, share.seq);
      }
      if (pageOf.items.length === 0 || pageOf.nextAfter === null || pageOf.nextAfter === undefined) {
        break;
      }
      after = Math.max(after, pageOf.nextAfter);
    }
    const all = [...last.values()].sort((a, b) => a.seq - b.seq);
    return { granted: all.filter((s) => s.kind === 'granted'), revoked: all.filter((s) => s.kind === 'revoked'),
      lastSeq: after };
  }
}

export interface SyncFollower {
  /** The current pairing, or null when not syncing. */
  readonly state: SyncState | null;
  close(): void;
}

export class SyncApi {
  constructor(private readonly http: Http, private readonly client: ParleyClient) {}

  /** Starts pairing with an online partner (409 `sync.partner_offline` otherwise). */
  start(partner: Ref): Promise<SyncState> {
    return this.http.json('POST', '/api/sync', { body: { partner }, retry: true });
  }

  /** The pairing, or null when not syncing. */
  async get(): Promise<SyncState | null> {
    try {
      return await this.http.json<SyncState>('GET', '/api/sync');
    } catch (e) {
      if (e instanceof ParleyError && e.status === 404) return null;
      throw e;
    }
  }

  /** Stops it, for both sides. */
  async stop(): Promise<void> {
    await this.http.send('DELETE', '/api/sync');
  }

  setTabs(tabs: Tab[], activeTabId: string | null): Promise<SyncState> {
    return this.http.json('PUT', '/api/sync/tabs', { body: { tabs, activeTabId } });
  }

  setScreen(screen: Record<string, unknown>): Promise<SyncState> {
    return this.http.json('PUT', '/api/sync/screen', { body: screen });
  }

  /**
   * Follows the pairing on your `me` stream: `onChange` gets the state after every `sync.*` event (null once
   * stopped, with the `sync.stopped` data as the second argument).
   */
  follow(onChange: (state: SyncState | null, event: Envelope) => void): SyncFollower {
    let state: SyncState | null = null;
    const sub = this.client.subscribe('me', {
      onEvent: (event) => {
        if (!event.type.startsWith('sync.')) return;
        state = event.type === 'sync.stopped' ? null : (event.data as SyncState);
        onChange(state, event);
      },
    });
    return {
      get state() {
        return state;
      },
      close: () => sub.close(),
    };
  }
}
