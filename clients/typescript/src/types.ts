/**
 * The shapes of Parley's public API: REST bodies and the event envelope. Field names are the wire names.
 * Times are RFC 3339 UTC strings; ids are UUID strings; member refs are `user:<sub>` or `<app>:<slug>`.
 */

/** A member ref: `user:<sub>` for a human, `<app>:<slug>` for an agent. */
export type Ref = string;

/** A person named as an object (a turn's holder, a share's `by`). */
export interface Person {
  ref: Ref;
  name: string | null;
}

/** Every list answer is an object with `items`; paged lists carry the cursors too. */
export interface Page<T> {
  items: T[];
  nextBefore?: number | null;
  nextAfter?: number | null;
}

export interface PageQuery {
  before?: number;
  after?: number;
  limit?: number;
}

// ---- streams ---------------------------------------------------------------------------------------------------

/** `channel`, `presence`, `me`, `inbox`, `room:<id>` or `session:<id>`. */
export type StreamName = 'channel' | 'presence' | 'me' | 'inbox' | `room:${string}` | `session:${string}`;

/** One event on a stream: identical over WebSocket, SSE and Kafka. `seq` is absent on ephemeral events. */
export interface Envelope<D = unknown> {
  stream: string;
  seq?: number;
  type: string;
  at: string;
  data: D;
}

/** The data of a `reset` event: the position asked for is older than the stream keeps. */
export interface ResetInfo {
  earliest: number;
  head: number;
}

// ---- me and presence -------------------------------------------------------------------------------------------

export interface Discovery {
  channel: boolean;
  presence: boolean;
  sharedSessions: boolean;
}

export interface Me {
  ref: Ref;
  tenant: string;
  name: string | null;
  discovery: Discovery;
}

export type PresenceStatus = 'online' | 'idle' | 'offline';

export interface RosterEntry {
  ref: Ref;
  name: string | null;
  status: PresenceStatus;
  since: string;
}

// ---- channel ---------------------------------------------------------------------------------------------------

export interface Quote {
  id: string;
  author: Ref;
  excerpt: string | null;
  deleted: boolean;
}

export interface AttachmentRef {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

export interface Attachment extends AttachmentRef {
  sha256: string;
}

export interface Reaction {
  emoji: string;
  count: number;
  by: Ref[];
}

export interface ChannelMessage {
  id: string;
  seq: number;
  author: Ref;
  authorName: string | null;
  body: string | null;
  replyTo: Quote | null;
  attachments: AttachmentRef[];
  reactions: Reaction[];
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
}

export interface NewChannelMessage {
  body: string;
  replyTo?: string;
  attachments?: string[];
}

export interface SearchHit<M> {
  message: M;
  snippet: string;
}

export interface RoomSearchHit extends SearchHit<RoomMessage> {
  roomId: string;
}

// ---- rooms -----------------------------------------------------------------------------------------------------

export interface RoomMember {
  ref: Ref;
  name: string | null;
  kind: 'user' | 'agent';
  addedBy: Ref;
  addedAt: string;
}

export interface Room {
  id: string;
  name: string;
  description: string | null;
  members: RoomMember[];
  createdBy: Ref;
  createdAt: string;
}

export interface NewRoom {
  name: string;
  description?: string;
  members?: Ref[];
}

export interface RoomMessage {
  id: string;
  seq: number;
  roomId: string;
  sender: Ref;
  senderName: string | null;
  content: string;
  html: string;
  mentions: Ref[];
  routes: Ref[];
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

export interface NewRoomMessage {
  content: string;
  fromAgent?: string;
  metadata?: Record<string, unknown>;
}

/** What an agent's inbox delivers (`room.message`). */
export interface InboxDelivery {
  target: Ref;
  roomId: string;
  message: RoomMessage;
  mentioned: boolean;
}

/** The data of a `mention` event on a human's `me` stream. */
export interface Mention {
  roomId: string;
  message: RoomMessage;
}

// ---- sessions --------------------------------------------------------------------------------------------------

export interface SessionMember {
  ref: Ref;
  name: string | null;
  role: 'owner' | 'writer';
  addedBy: Ref;
  addedAt: string;
}

export type TurnPolicy = 'refuse' | 'queue';

export interface Session {
  id: string;
  title: string;
  owner: Ref;
  members: SessionMember[];
  engineSessionId: string | null;
  createdAt: string;
  role?: 'owner' | 'writer';
  turnPolicy?: TurnPolicy;
  forkedFrom?: { sessionId: string; seq: number } | null;
}

export type MessageRole = 'user' | 'assistant' | 'tool';

export interface SessionMessage {
  id: string;
  seq: number;
  sessionId: string;
  turnId: string;
  role: MessageRole;
  content: string;
  author: Ref;
  authorName: string | null;
  createdAt: string;
}

export interface NewSessionMessage {
  turnId: string;
  role: MessageRole;
  content: string;
  fencingToken?: number;
}

export type LiveStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface Tool {
  id: string;
  name: string;
  status: string;
  summary: string | null;
}

/** What a turn holder writes to `PUT …/live`. */
export interface LiveInput {
  text?: string;
  thinking?: string;
  tools?: Tool[];
  status?: LiveStatus;
}

/** The in-flight turn as everyone reads it. */
export interface LiveSnapshot {
  turnId: string;
  status: LiveStatus;
  text: string;
  thinking: string;
  tools: Tool[];
  startedBy: Ref;
  updatedAt: string;
  stale: boolean;
  cancelledBy?: Ref;
}

export interface Turn {
  turnId: string;
  holder: Person;
  fencingToken: number;
  expiresAt: string;
}

/** The body of a 409 `turn.held`. */
export interface TurnHeld {
  holder: Person;
  since: string;
}

export interface TranscriptChunk {
  from: number;
  data: string;
  length: number;
  sha256: string;
}

export interface TranscriptHead {
  length: number;
  sha256: string;
}

export interface TranscriptAppended {
  offset: number;
  length: number;
  sha256: string;
}

export interface Share {
  seq: number;
  kind: 'granted' | 'revoked';
  sessionId: string;
  title: string;
  by: Person;
  at: string;
}

export interface QueueEntry {
  id: string;
  by: Ref;
  content: string;
  position: number;
  createdAt: string;
}

export type Approvers = 'holder' | 'owner' | 'members' | Ref[];

export interface Approval {
  id: string;
  turnId: string;
  tool: { name: string; summary: string };
  approvers: Approvers;
  status: 'pending' | 'approved' | 'denied' | 'expired';
  expiresAt: string;
}

export interface LedgerEntry {
  seq: number;
  sha256: string;
  chain: string;
}

export interface LedgerHead {
  seq: number;
  chain: string;
}

// ---- sync pairing ----------------------------------------------------------------------------------------------

export interface Tab {
  id: string;
  title: string;
  sessionId: string | null;
}

export interface SyncState {
  partner: Ref;
  tabs: Tab[];
  activeTabId: string | null;
  screen: Record<string, unknown>;
  sessions?: { id: string; via: 'share' | 'sync' }[];
}

// ---- stream tickets --------------------------------------------------------------------------------------------

export interface StreamTicket {
  ticket: string;
  expiresAt: string;
}
