export { createClient, ParleyClient } from './client.js';
export type {
  ClientOptions, CreateOptions, UploadOptions, ReconcileResult, SyncFollower, MeApi, PresenceApi, ChannelApi,
  AttachmentsApi, RoomsApi, SessionsApi, SharesApi, SyncApi, SearchApi,
} from './client.js';
export { ParleyError } from './errors.js';
export type { TokenSource } from './http.js';
export { Subscription } from './streams.js';
export type {
  SubscribeOptions, SubscriptionState, Transport, WebSocketConstructor, WebSocketLike,
} from './streams.js';
export { SharedSession } from './session.js';
export type { Badge, SessionState, TurnContext, TurnResult, RunTurnOptions, SharedSessionOptions } from './session.js';
export { Agent } from './agent.js';
export type { AgentMessage, AgentContext, AgentListener, OnMessageOptions } from './agent.js';
export type * from './types.js';
