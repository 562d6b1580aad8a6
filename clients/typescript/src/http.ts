import { ParleyError } from './errors.js';
import { delay, uuid } from './util.js';

/** A token, or a function that returns one (called again when the server says the token expired). */
export type TokenSource = string | (() => string | Promise<string>);

/** Holds the current token; refreshes it through the token function, one refresh at a time. */
export class Tokens {
  private current: string | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly source: TokenSource) {
    if (typeof source === 'string') {
      this.current = source;
    }
  }

  /** Whether a refresh can give another token (a function was given, not a fixed string). */
  get refreshable(): boolean {
    return typeof this.source === 'function';
  }

  /** The current token; with `refresh`, asks the token function for a new one (the old one failed). */
  async get(refresh = false): Promise<string> {
    if (typeof this.source === 'string') {
      return this.source;
    }
    if (this.current !== undefined && !refresh) {
      return this.current;
    }
    if (!this.pending) {
      const fn = this.source;
      this.pending = (async () => {
        try {
          const token = await fn();
          if (typeof token !== 'string' || token === '') {
            throw new ParleyError({ status: 0, code: 'client.token_invalid', detail: 'the token function gave no token' });
          }
          this.current = token;
          return token;
        } finally {
          this.pending = undefined;
        }
      })();
    }
    return this.pending;
  }
}

export interface RequestOptions {
  /** JSON body (serialized here), or a ready body such as FormData. */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /**
   * Send this `Idempotency-Key` (`true`: a fresh random one). The same key is sent again on every retry, so a
   * create retried after a lost answer never creates twice.
   */
  idempotencyKey?: string | boolean;
  /** Retry 429/503 after `Retry-After`. Default: true for GET/PUT/DELETE and keyed POSTs. */
  retry?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Accept a 204/empty answer (returns undefined). */
  allowEmpty?: boolean;
}

export interface HttpOptions {
  baseUrl: string;
  tokens: Tokens;
  fetch: typeof fetch;
  /** How many times a 429/503 is retried (default 4). */
  maxRetries: number;
  /** Upper bound of one wait for Retry-After, in ms (default 30 s). */
  maxRetryWaitMs: number;
}

/** The REST core: bearer token, problem+json errors, token refresh on 401, Retry-After retries. */
export class Http {
  constructor(readonly options: HttpOptions) {}

  url(path: string, query?: RequestOptions['query']): string {
    const url = new URL(path, this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    if (path.startsWith('/')) {
      url.pathname = new URL(this.options.baseUrl).pathname.replace(/\/$/, '') + path;
    }
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) {
        url.searchParams.set(k, String(v));
      }
    }
    return url.toString();
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Sends the request with retries; answers the successful response or throws a ParleyError. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const key = options.idempotencyKey === true ? uuid()
      : typeof options.idempotencyKey === 'string' ? options.idempotencyKey : undefined;
    const retry = options.retry ?? (method !== 'POST' && method !== 'PATCH' || key !== undefined);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.options.tokens.get();
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...options.headers };
      let body: BodyInit | undefined;
      if (options.body !== undefined) {
        if (isRawBody(options.body)) {
          body = options.body;
        } else {
          body = JSON.stringify(options.body);
          headers['Content-Type'] = 'application/json';
        }
      }
      if (key !== undefined) {
        headers['Idempotency-Key'] = key;
      }
      let response: Response;
      try {
        const init: RequestInit = { method, headers };
        if (body !== undefined) {
          init.body = body;
        }
        if (options.signal) {
          init.signal = options.signal;
        }
        response = await this.options.fetch(this.url(path, options.query), init);
      } catch (e) {
        if (options.signal?.aborted) {
          throw e;
        }
        if (retry && attempt < this.options.maxRetries) {
          await delay(Math.min(this.options.maxRetryWaitMs, 250 * 2 ** attempt), options.signal);
          continue;
        }
        throw new ParleyError({ status: 0, code: 'client.network', detail: String(e), cause: e });
      }
      if (response.ok) {
        return response;
      }
      if (response.status === 401 && !refreshed && this.options.tokens.refreshable) {
        await response.body?.cancel();
        refreshed = true;
        await this.options.tokens.get(true);
        attempt--;
        continue;
      }
      const error = await ParleyError.fromResponse(response);
      if ((response.status === 429 || response.status === 503) && retry && attempt < this.options.maxRetries) {
        const wait = Math.min(this.options.maxRetryWaitMs, (error.retryAfter ?? 1) * 1000);
        await delay(wait, options.signal);
        continue;
      }
      throw error;
    }
  }
}

function isRawBody(body: unknown): body is BodyInit {
  return typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body)
    || (typeof Blob !== 'undefined' && body instanceof Blob)
    || (typeof FormData !== 'undefined' && body instanceof FormData)
    || (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams)
    || (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream);
}
