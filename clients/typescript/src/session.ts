import type { ParleyClient } from './client.js';
import { ParleyError } from './errors.js';
import type { Subscription } from './streams.js';
import type {
  Envelope, LiveInput, LiveSnapshot, LiveStatus, MessageRole, Person, Session, SessionMember, SessionMessage,
  TranscriptAppended, Turn,
} from './types.js';
import { concat, sha256Hex, utf8, uuid } from './util.js';

/**
 * The sync badge: `synced` — the transcript rebuilt here hashes byte for byte to the server's head;
 * `syncing` — a rebuild and check is under way; `notSynced` — not verified (often: nobody published a transcript yet).
 */
export type Badge = 'synced' | 'syncing' | 'notSynced';

export interface SharedSessionOptions {
  /** How often the badge is re-checked in the background (default 30 s; 0 = never). */
  badgeIntervalMs?: number;
  /** Least time between two live snapshots written by `turn.live` (default 250 ms; `force` skips it). */
  liveIntervalMs?: number;
  /** How long `open` waits for the stream to catch up with its head (default 15 s). */
  openTimeoutMs?: number;
}

export interface SessionState {
  session: Session;
  /** The durable conversation, in seq order. */
  messages: SessionMessage[];
  /** The in-flight (or last) turn's snapshot. */
  live: LiveSnapshot | null;
  /** Who holds the turn now, or null. */
  holder: Person | null;
  /** "Ada is responding…" while someone else holds the turn; null otherwise. */
  responding: string | null;
  /** People typing now (for 5 s after their last indicator). */
  typing: Person[];
  engineSessionId: string | null;
  /** Bytes of the transcript rebuilt here. */
  transcriptLength: number;
  badge: Badge;
}

export type TurnResult<T> =
  | { status: 'ran'; value: T; turn: Turn }
  | { status: 'held'; holder: Person; since: string | undefined };

export interface RunTurnOptions {
  turnId?: string;
  /** With a `queue` turn policy: the queue entry this turn claims. */
  queueId?: string;
}

/** What a running turn can do. Every write carries the turn's fencing token. */
export interface TurnContext {
  readonly turnId: string;
  readonly fencingToken: number;
  /** Aborted when the turn is lost (lock expired or fenced) or a member asked to cancel it. */
  readonly signal: AbortSignal;
  /** The transcript as pulled before the turn (and after each append). */
  readonly transcript: string;
  /**
   * Writes the live snapshot, at most once per `liveIntervalMs` (latest wins); `force` writes at once
   * (tool boundaries). Fields left out keep their last value.
   */
  live(snapshot: LiveInput, options?: { force?: boolean }): Promise<void>;
  /** Publishes a durable message of this turn. */
  message(role: MessageRole, content: string): Promise<SessionMessage>;
  /** Appends to the shared transcript at its current end (pulls and retries on an offset mismatch). */
  appendTranscript(data: string): Promise<TranscriptAppended>;
  /** The one shared engine session id: sets `proposed` if none is set, else answers the one set. */
  engineSessionId(proposed: string): Promise<string>;
}

const TYPING_MS = 5000;

/** A shared session as one member sees it: state from its stream, turns, and the sync badge. */
export class SharedSession {
  private session: Session;
  private messages: SessionMessage[] = [];
  private messageIds = new Set<string>();
  private live: LiveSnapshot | null = null;
  private holder: Person | null = null;
  private typing = new Map<string, { name: string | null; until: number }>();
  private engine: string | null;
  private bytes: Uint8Array = new Uint8Array(0);
  private badgeValue: Badge = 'notSynced';
  private verifying: Promise<Badge> | undefined;
  private again = false;
  private readonly listeners = new Set<(state: SessionState, event?: Envelope) => void>();
  private sub: Subscription | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private current: { turnId: string; abort: AbortController } | undefined;
  private closed = false;

  private constructor(private readonly client: ParleyClient, readonly id: string, session: Session,
                      private readonly me: string, private readonly options: SharedSessionOptions) {
    this.session = session;
    this.engine = session.engineSessionId;
  }

  /** @internal use `client.sessions.open(id)`. */
  static async open(client: ParleyClient, id: string, options: SharedSessionOptions = {}): Promise<SharedSession> {
    const [session, me] = await Promise.all([client.sessions.get(id), client.me.get()]);
    const shared = new SharedSession(client, id, session, me.ref, options);
    await shared.start();
    return shared;
  }

  private async start(): Promise<void> {
    let caughtUp!: () => void;
    let failed!: (e: ParleyError) => void;
    const ready = new Promise<void>((resolve, reject) => {
      caughtUp = resolve;
      failed = reject;
    });
    const sub = this.client.subscribe(`session:${this.id}`, {
      after: 0,
      onEvent: (event) => {
        this.apply(event);
        if (sub.head !== undefined && sub.head !== null && (sub.lastSeq ?? 0) >= sub.head) caughtUp();
      },
      onState: (state) => {
        if (state === 'subscribed' && (sub.head === undefined || sub.head === null || sub.head === 0
          || (sub.lastSeq ?? 0) >= sub.head)) {
          // SSE has no head; an empty stream is caught up at once
          setTimeout(caughtUp, sub.head === undefined ? 300 : 0);
        }
      },
      onError: (error, fatal) => {
        if (fatal) failed(error);
      },
    });
    this.sub = sub;
    const timeout = this.options.openTimeoutMs ?? 15_000;
    let openTimer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([ready, new Promise<void>((resolve) => {
      openTimer = setTimeout(resolve, timeout);
    })]);
    clearTimeout(openTimer);
    const live = await this.client.sessions.live(this.id).catch(() => null);
    if (live && (!this.live || this.live.updatedAt < live.updatedAt)) this.live = live;
    await this.verify();
    const every = this.options.badgeIntervalMs ?? 30_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.verify().catch(() => undefined), every);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** The badge now. */
  get badge(): Badge {
    return this.badgeValue;
  }

  /** Everything a UI shows of the session, as of now. */
  get state(): SessionState {
    const now = Date.now();
    const typing: Person[] = [];
    for (const [ref, t] of this.typing) {
      if (t.until > now) typing.push({ ref, name: t.name });
    }
    const holder = this.holder;
    return {
      session: this.session,
      messages: [...this.messages],
      live: this.live,
      holder,
      responding: holder && holder.ref !== this.me ? `${holder.name ?? holder.ref} is responding…` : null,
      typing,
      engineSessionId: this.engine,
      transcriptLength: this.bytes.length,
      badge: this.badgeValue,
    };
  }

  /** Calls `listener` after every change; answers a function that removes it. */
  onChange(listener: (state: SessionState, event?: Envelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a typing indicator. */
  typingNow(): Promise<void> {
    return this.sub ? this.sub.typing() : this.client.sessions.typing(this.id);
  }

  /** Stops following the session. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.sub?.close();
    this.listeners.clear();
  }

  private emit(event?: Envelope): void {
    const state = this.state;
    for (const listener of this.listeners) {
      try {
        listener(state, event);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private apply(event: Envelope): void {
    const data = event.data as Record<string, unknown> | null;
    switch (event.type) {
      case 'message.created': {
        const message = data as unknown as SessionMessage;
        if (!this.messageIds.has(message.id)) {
          this.messageIds.add(message.id);
          this.messages.push(message);
        }
        break;
      }
      case 'member.added':
        this.session = { ...this.session, members: [...this.session.members.filter((m) => m.ref !== data?.['ref']),
          data as unknown as SessionMember] };
        break;
      case 'member.removed':
        this.session = { ...this.session, members: this.session.members.filter((m) => m.ref !== data?.['ref']) };
        break;
      case 'transcript.appended':
        void this.verify().catch(() => undefined);
        break;
      case 'turn.started':
        this.holder = (data as unknown as Turn).holder;
        break;
      case 'turn.ended':
        this.holder = null;
        if (data) this.live = data as unknown as LiveSnapshot;
        break;
      case 'engine.set':
        this.engine = String(data?.['engineSessionId'] ?? this.engine);
        break;
      case 'live.updated': {
        const live = data as unknown as LiveSnapshot;
        this.live = live;
        break;
      }
      case 'turn.cancel_requested':
        if (this.current && data?.['turnId'] === this.current.turnId) {
          this.current.abort.abort(new ParleyError({ status: 0, code: 'turn.cancelled',
            detail: `cancel requested by ${String(data?.['by'] ?? 'a member')}` }));
        }
        break;
      case 'typing': {
        const ref = String(data?.['ref'] ?? '');
        this.typing.set(ref, { name: (data?.['name'] as string | null) ?? null, until: Date.now() + TYPING_MS });
        break;
      }
      default:
        break;
    }
    this.emit(event);
  }

  // ---- transcript and badge -------------------------------------------------------------------------------------

  /** Pulls what the server has beyond the local copy. */
  private async pull(): Promise<void> {
    const chunk = await this.client.sessions.transcript(this.id, this.bytes.length);
    if (chunk.length < this.bytes.length || chunk.from !== this.bytes.length) {
      const whole = await this.client.sessions.transcript(this.id, 0);
      this.bytes = utf8.encode(whole.data);
      return;
    }
    if (chunk.data.length > 0) {
      this.bytes = concat(this.bytes, utf8.encode(chunk.data));
    }
  }

  /**
   * Rebuilds the transcript here and compares its SHA-256 with the server's head: the badge's check. Runs on open,
   * on every `transcript.appended`, before and after each turn, and every `badgeIntervalMs`.
   */
  verify(): Promise<Badge> {
    if (this.verifying) {
      this.again = true;
      return this.verifying;
    }
    this.setBadge('syncing');
    this.verifying = (async () => {
      let rebuilt = false;
      try {
        do {
          this.again = false;
          await this.pull();
          const head = await this.client.sessions.transcriptHead(this.id);
          const local = await sha256Hex(this.bytes);
          if (head.length === this.bytes.length && head.sha256 !== local && !rebuilt) {
            rebuilt = true;
            this.bytes = new Uint8Array(0); // the local copy went wrong: rebuild it from the start once
            this.again = true;
            continue;
          }
          this.badgeValue = head.length > 0 && head.length === this.bytes.length && head.sha256 === local
            ? 'synced' : 'notSynced';
        } while (this.again && !this.closed);
      } catch (e) {
        this.badgeValue = 'notSynced';
        throw e;
      } finally {
        this.verifying = undefined;
        this.emit();
      }
      return this.badgeValue;
    })();
    return this.verifying;
  }

  private setBadge(badge: Badge): void {
    if (this.badgeValue !== badge) {
      this.badgeValue = badge;
      this.emit();
    }
  }

  // ---- turns -----------------------------------------------------------------------------------------------------

  /**
   * Runs one turn: takes the turn-lock (or answers who holds it), heartbeats while `work` runs, pulls the
   * transcript first, and releases the lock in the end, also when `work` throws. The final live snapshot is
   * written with status `completed`, `failed` or `cancelled`.
   */
  async runTurn<T>(work: (turn: TurnContext) => Promise<T>, options: RunTurnOptions = {}): Promise<TurnResult<T>> {
    const turnId = options.turnId ?? uuid();
    let grant: Turn;
    try {
      grant = await this.client.sessions.acquireTurn(this.id, turnId, options.queueId);
    } catch (e) {
      if (e instanceof ParleyError && (e.code === 'turn.held' || e.code === 'turn.reserved')) {
        const holder = (e.body['holder'] as Person | undefined) ?? { ref: 'unknown', name: null };
        this.holder = holder;
        this.emit();
        return { status: 'held', holder, since: e.body['since'] as string | undefined };
      }
      throw e;
    }
    this.holder = grant.holder;
    const abort = new AbortController();
    this.current = { turnId, abort };
    this.emit();
    const ttl = Math.max(3000, Date.parse(grant.expiresAt) - Date.now());
    const heartbeat = setInterval(() => {
      this.client.sessions.heartbeat(this.id).catch((e: unknown) => {
        if (e instanceof ParleyError && (e.code === 'turn.not_holder' || e.code === 'turn.fenced')) {
          abort.abort(e);
        }
      });
    }, Math.max(1000, Math.floor(ttl / 3)));
    const ctx = new RunningTurn(this, grant, abort.signal, this.options.liveIntervalMs ?? 250);
    try {
      await this.verify().catch(() => undefined); // pull before the turn
      const value = await work(ctx);
      await ctx.finish(abort.signal.aborted ? 'cancelled' : 'completed');
      return { status: 'ran', value, turn: grant };
    } catch (e) {
      await ctx.finish(abort.signal.aborted ? 'cancelled' : 'failed').catch(() => undefined);
      throw e;
    } finally {
      clearInterval(heartbeat);
      this.current = undefined;
      await this.client.sessions.releaseTurn(this.id).catch(() => undefined);
      if (this.holder?.ref === grant.holder.ref) this.holder = null;
      this.emit();
      void this.verify().catch(() => undefined); // and after it
    }
  }

  /** @internal */
  get transcriptText(): string {
    return utf8.decode(this.bytes);
  }

  /** @internal append with pull-and-retry on an offset mismatch */
  async append(data: string, fencingToken: number): Promise<TranscriptAppended> {
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await this.client.sessions.appendTranscript(this.id, this.bytes.length, data, fencingToken);
        if (answer.offset === this.bytes.length) {
          this.bytes = concat(this.bytes, utf8.encode(data));
        } else {
          await this.pull();
        }
        return answer;
      } catch (e) {
        if (e instanceof ParleyError && e.code === 'transcript.offset_mismatch' && attempt < 5) {
          await this.pull();
          continue;
        }
        throw e;
      }
    }
  }

  /** @internal */
  async converge(proposed: string): Promise<string> {
    if (this.engine) return this.engine;
    this.engine = await this.client.sessions.setEngine(this.id, proposed);
    this.emit();
    return this.engine;
  }

  /** @internal */
  get clientRef(): ParleyClient {
    return this.client;
  }
}

class RunningTurn implements TurnContext {
  private last: Required<LiveInput> = { text: '', thinking: '', tools: [], status: 'running' };
  private lastSentAt = 0;
  private pending: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private wrote = false;

  constructor(private readonly shared: SharedSession, private readonly grant: Turn, readonly signal: AbortSignal,
              private readonly intervalMs: number) {}

  get turnId(): string {
    return this.grant.turnId;
  }

  get fencingToken(): number {
    return this.grant.fencingToken;
  }

  get transcript(): string {
    return this.shared.transcriptText;
  }

  live(snapshot: LiveInput, options?: { force?: boolean }): Promise<void> {
    this.last = { ...this.last, ...snapshot };
    this.dirty = true;
    const wait = this.lastSentAt + this.intervalMs - Date.now();
    if (options?.force || wait <= 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return this.flush();
    }
    if (!this.timer) {
      this.pending = new Promise<void>((resolve) => {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.flush().then(resolve, resolve);
        }, wait);
      });
    }
    return this.pending ?? Promise.resolve();
  }

  private async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.lastSentAt = Date.now();
    this.wrote = true;
    await this.shared.clientRef.sessions.putLive(this.shared.id, { turnId: this.turnId,
      fencingToken: this.fencingToken, ...this.last });
  }

  async finish(status: LiveStatus): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.wrote && !this.dirty && status === 'completed') {
      return; // a turn that showed nothing live ends without a snapshot
    }
    this.last = { ...this.last, status };
    this.dirty = true;
    await this.flush();
  }

  message(role: MessageRole, content: string): Promise<SessionMessage> {
    return this.shared.clientRef.sessions.postMessage(this.shared.id,
      { turnId: this.turnId, role, content, fencingToken: this.fencingToken });
  }

  appendTranscript(data: string): Promise<TranscriptAppended> {
    return this.shared.append(data, this.fencingToken);
  }

  engineSessionId(proposed: string): Promise<string> {
    return this.shared.converge(proposed);
  }
}
