/**
 * Every failure the client reports is a `ParleyError`: the problem+json answer of the server (`status`, `code`,
 * `detail`, the extra fields in `body`), or a client-side failure with `status` 0 and a `client.*` code.
 */
export class ParleyError extends Error {
  /** HTTP status; 0 when no answer came (network, closed socket, client-side). */
  readonly status: number;
  /** Stable machine-readable code, e.g. `turn.held`, `room.member_limit`, `stream.revoked`. */
  readonly code: string;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  /** Seconds from `Retry-After`, when the server sent one. */
  readonly retryAfter: number | undefined;
  /** The whole problem body (extra fields such as `holder`, `length`, `engineSessionId`). */
  readonly body: Record<string, unknown>;

  constructor(init: {
    status: number;
    code: string;
    title?: string | undefined;
    detail?: string | undefined;
    retryAfter?: number | undefined;
    body?: Record<string, unknown>;
    cause?: unknown;
  }) {
    super(`${init.code}${init.status ? ` (${init.status})` : ''}${init.detail ? `: ${init.detail}` : ''}`,
      init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ParleyError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.retryAfter = init.retryAfter;
    this.body = init.body ?? {};
  }

  /** Builds the error from an HTTP answer, reading its problem+json body when there is one. */
  static async fromResponse(response: Response): Promise<ParleyError> {
    let body: Record<string, unknown> = {};
    try {
      const text = await response.text();
      if (text) {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          body = parsed as Record<string, unknown>;
        }
      }
    } catch {
      // not JSON: keep the status only
    }
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    return new ParleyError({
      status: response.status,
      code: typeof body['code'] === 'string' ? body['code'] : `http.${response.status}`,
      title: typeof body['title'] === 'string' ? body['title'] : undefined,
      detail: typeof body['detail'] === 'string' ? body['detail'] : undefined,
      retryAfter,
      body,
    });
  }
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}
