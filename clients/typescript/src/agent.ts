import type { ParleyClient } from './client.js';
import { ParleyError } from './errors.js';
import type { Subscription } from './streams.js';
import type { InboxDelivery, Ref, RoomMessage } from './types.js';

/** One delivery to this agent: a room message, and whether the agent was mentioned (a route) or sees it as context. */
export interface AgentMessage {
  /** The inbox seq of this delivery: store it, and pass it as `after` to resume after a restart. */
  seq: number;
  /** `<app>:<slug>` of the agent it is for. */
  target: Ref;
  roomId: string;
  message: RoomMessage;
  /** `true` when the agent was mentioned (routed), `false` for a broadcast it gets as context. */
  mentioned: boolean;
  /** Shortcut of `message.content`. */
  content: string;
}

export interface AgentContext {
  /** Posts `content` in the message's room as this agent (`fromAgent`); a retry never posts twice. */
  reply(content: string, options?: { metadata?: Record<string, unknown> }): Promise<RoomMessage>;
  /** Shows this agent typing in the room. */
  typing(): Promise<void>;
}

export interface OnMessageOptions {
  /** Resume after this inbox seq (the last one handled). Omit to start with new deliveries only. */
  after?: number;
  /** Called after each delivery is handled (also deliveries for other agents of the app): store it. */
  onPosition?: (seq: number) => void | Promise<void>;
  onError?: (error: ParleyError) => void;
}

export interface AgentListener {
  /** The inbox seq handled last. */
  readonly lastSeq: number | undefined;
  readonly subscription: Subscription;
  close(): void;
}

/** An agent of an app token (`<app>:<slug>`), answering what its inbox delivers. */
export class Agent {
  constructor(private readonly client: ParleyClient, readonly slug: string) {}

  /**
   * Handles every delivery for this agent, one at a time in inbox order. The position advances once the handler
   * settles (a handler that throws is reported to `onError`, and the position still advances).
   */
  onMessage(handler: (msg: AgentMessage, ctx: AgentContext) => void | Promise<void>,
            options: OnMessageOptions = {}): AgentListener {
    let handled: number | undefined = options.after;
    const subscribeOptions: Parameters<ParleyClient['subscribe']>[1] = {
      onEvent: async (event) => {
        const seq = event.seq;
        if (seq === undefined) return;
        const delivery = event.data as InboxDelivery;
        if (event.type === 'room.message' && delivery.target.slice(delivery.target.indexOf(':') + 1) === this.slug) {
          let replies = 0;
          const ctx: AgentContext = {
            reply: (content, replyOptions) => {
              const body: { content: string; fromAgent: string; metadata?: Record<string, unknown> } =
                { content, fromAgent: this.slug };
              if (replyOptions?.metadata) body.metadata = replyOptions.metadata;
              return this.client.rooms.post(delivery.roomId, body,
                { idempotencyKey: `reply:${delivery.target}:${delivery.message.id}:${replies++}` });
            },
            typing: () => this.client.rooms.typing(delivery.roomId, this.slug),
          };
          try {
            await handler({ seq, target: delivery.target, roomId: delivery.roomId, message: delivery.message,
              mentioned: delivery.mentioned, content: delivery.message.content }, ctx);
          } catch (e) {
            options.onError?.(e instanceof ParleyError ? e
              : new ParleyError({ status: 0, code: 'client.handler_failed', detail: String(e), cause: e }));
          }
        }
        handled = seq;
        await options.onPosition?.(seq);
      },
      onError: (error) => options.onError?.(error),
    };
    if (options.after !== undefined) subscribeOptions.after = options.after;
    const subscription = this.client.subscribe('inbox', subscribeOptions);
    return {
      get lastSeq() {
        return handled;
      },
      subscription,
      close: () => subscription.close(),
    };
  }
}
