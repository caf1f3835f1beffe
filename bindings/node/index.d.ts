/**
 * ooauthcc for Node.js: OAuth 2.0 client-credentials tokens, cached, renewed
 * ahead of expiry, and fetched ONCE for all concurrent callers — a thin
 * wrapper (koffi) over the C ABI of libooauthcc.
 *
 * The library is found in `$OOAUTHCC_LIB_DIR`, else in the repository's
 * `target/release/`, else by the system's loader.
 */

/**
 * Settings, by the names of README.md's settings table (`token_url`,
 * `client_id`, `client_secret`, `scopes`, `auth_method`, `get_timeout`, …) or
 * the same names in camelCase (`tokenUrl`, …). Durations are seconds
 * (fractions allowed), as in every ooauthcc document. The library checks them
 * all, and refuses an unknown name with a ConfigError naming it.
 */
export interface Settings {
  token_url?: string;
  tokenUrl?: string;
  issuer?: string;
  client_id?: string;
  clientId?: string;
  client_secret?: string;
  clientSecret?: string;
  scopes?: string[];
  /** Any other setting of the table (`audience`, `extra_params`, `refresh_ahead`, `store_url`, …). */
  [setting: string]: unknown;
}

/** Options of `getToken()` and `getTokenSync()`. */
export interface GetTokenOptions {
  /**
   * How long to wait for a fetch, in milliseconds (> 0): absent, the
   * `get_timeout` setting (default 30 s); `Infinity`, as long as the fetch
   * takes. Giving up never cancels the request for other callers.
   */
  timeoutMs?: number;
}

/**
 * The counters of a cache entry (`Client.stats()`): the library's names in
 * camelCase. A later library may add counters; they appear here by themselves.
 */
export interface Stats {
  /** HTTP requests sent to the token endpoint (each retry counts). */
  tokenRequests: number;
  /** Calls answered from the cache without waiting. */
  cacheHits: number;
  /**
   * Calls that had to wait for a fetch (callers of `getToken()` sharing one wait count once;
   * as a cache hit instead when the fetch had ended before a pool thread took up their wait).
   */
  waits: number;
  /** Fetches started in the background because the token was due for renewal. */
  backgroundRefreshes: number;
  /** Fetches that ended in an error (after their retries). */
  failures: number;
  /** Fetches started, in the foreground and in the background. */
  fetches: number;
  /** Fetches answered from the shared store with another process's token. */
  storeHits: number;
  /** Fetches that waited for another process holding the store's lock. */
  storeWaits: number;
  /** Store operations that failed or timed out (the fetch went on without the store). */
  storeErrors: number;
  /** Store values that failed authentication and were ignored. */
  storeRejected: number;
  [counter: string]: number;
}

/**
 * An access token and what the server said about it. Immutable. Its printed
 * forms (`String(token)`, `console.log(token)`, `JSON.stringify(token)`) never
 * show the access token.
 */
export class Token {
  private constructor();
  /** The access token: send it, never log it. */
  readonly accessToken: string;
  /** `"Bearer"` (whatever case the server used), or another type as sent. */
  readonly tokenType: string;
  /** When the token expires (wall clock); a new Date at each read. */
  readonly expiresAt: Date;
  /** When the token expires, in milliseconds since the Unix epoch. */
  readonly expiresAtMs: number;
  /** The lifetime the server granted (or the one assumed), in milliseconds. */
  readonly lifetimeMs: number;
  /** The scope the server granted, or null when it sent none. */
  readonly scope: string | null;
  /** The other fields of the token response (`id_token`, vendor fields, …). */
  readonly extra: Record<string, unknown>;
  /** `Token(Bearer, expires <ISO date>, access token [redacted])`. */
  toString(): string;
  /** Every field but the access token, which is `"[redacted]"`. */
  toJSON(): { tokenType: string; expiresAt: string; lifetimeMs: number; scope: string | null; accessToken: '[redacted]' };
}

/**
 * Gets OAuth 2.0 client-credentials tokens for one configuration: from the
 * cache when it holds a fresh one, otherwise from ONE request shared by every
 * caller waiting at that moment (every Client built from the same settings in
 * this process shares one cache entry). Renewed in the background before
 * expiry. Free it with `close()` (also `Symbol.dispose` where the runtime has it).
 */
export class Client {
  /**
   * Builds a client, checking every setting. Sends nothing.
   * @param settings an object of settings, or a JSON document of them.
   * @throws {ConfigError} naming the bad setting.
   */
  constructor(settings: Settings | string);
  /** A client from a JSON document of settings. */
  static fromJSON(json: string): Client;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /**
   * A valid token, without blocking the event loop: a cached one at once
   * (starting its renewal in the background when due), else after a wait on
   * a libuv worker thread — one per client, shared by concurrent calls that
   * use the configured timeout — for the fetch the call started (or joined).
   * Rejects with an {@link OoauthccError} subclass: at once with the error
   * of a fetch that just failed, while the library holds off after it.
   */
  getToken(options?: GetTokenOptions): Promise<Token>;
  /** A valid token, BLOCKING the thread (and event loop) while it waits for a fetch. */
  getTokenSync(options?: GetTokenOptions): Token;
  /** The token the cache may still serve, or null: never waits, fetches, renews or counts. */
  cachedToken(): Token | null;
  /**
   * Compare-and-invalidate: drops the cached token only if it is `token` (the
   * one a resource server just rejected). Returns whether this call dropped it.
   */
  invalidate(token: Token | string): boolean;
  /** The counters of the cache entry this client shares. */
  stats(): Stats;
  /** Frees the client; later calls throw UsageError. Calls in flight end normally. Idempotent. */
  close(): void;
  /** `Client(open)` or `Client(closed)`: no setting is shown. */
  toString(): string;
}

/** The version of the loaded libooauthcc, e.g. `"0.2.0"`. */
export function version(): string;
/** The short name of a status code, e.g. `"oauth"` for 13; `"unknown"` for another number. */
export function statusName(status: number): string;
/** The counter names of the loaded library, in order (`"token_requests"`, …). */
export const STAT_NAMES: readonly string[];

/** The stable status codes of the C API (`ooauthcc_status`). */
export const Status: {
  readonly OK: 0;
  readonly NULL_ARGUMENT: 1;
  readonly INVALID_ARGUMENT: 2;
  readonly CONFIG: 3;
  readonly TRANSPORT: 10;
  readonly TIMEOUT: 11;
  readonly HTTP_STATUS: 12;
  readonly OAUTH: 13;
  readonly MALFORMED_RESPONSE: 14;
  readonly STORE: 15;
  readonly USAGE: 21;
  readonly INTERNAL: 99;
};

/** Fields of an error (all but the message); missing ones default to null / false. */
export interface ErrorFields {
  status?: number;
  kind?: string;
  httpStatus?: number | null;
  oauthError?: string | null;
  oauthErrorDescription?: string | null;
  oauthErrorUri?: string | null;
  retryable?: boolean;
  retryAfterMs?: number | null;
}

/**
 * Base class of every ooauthcc error. Messages name the cause and never hold a
 * secret or a token.
 */
export class OoauthccError extends Error {
  constructor(message: string, fields?: ErrorFields);
  /** The stable code of the kind (the C API's `ooauthcc_status`, Python's `.status`). */
  readonly status: number;
  /** The kind's name, e.g. `"oauth"`. */
  readonly kind: string;
  /** `"ERR_OOAUTHCC_<KIND>"`, e.g. `"ERR_OOAUTHCC_OAUTH"`. */
  readonly code: string;
  /** The HTTP status the token endpoint answered with, or null. */
  readonly httpStatus: number | null;
  /** The OAuth `error` code (RFC 6749 §5.2), e.g. `"invalid_client"`, or null. */
  readonly oauthError: string | null;
  /** The OAuth `error_description`, or null. */
  readonly oauthErrorDescription: string | null;
  /** The OAuth `error_uri`, or null. */
  readonly oauthErrorUri: string | null;
  /** Whether trying again later may succeed (outages: yes; rejected credentials: no). */
  readonly retryable: boolean;
  /** How long the server asked to wait (`Retry-After`), in ms, or null. */
  readonly retryAfterMs: number | null;
  /** The status of this class (-1 for the base class). */
  static readonly STATUS: number;
  /** The kind of this class. */
  static readonly KIND: string;
}
/** A required argument was missing (status 1). */
export class NullArgumentError extends OoauthccError {}
/** An argument was invalid, e.g. a timeout that is not a positive number (status 2). */
export class InvalidArgumentError extends OoauthccError {}
/** A setting is invalid or unknown; the message names it (status 3). */
export class ConfigError extends OoauthccError {}
/** The token endpoint could not be reached (status 10). */
export class TransportError extends OoauthccError {}
/** No token within the timeout; the shared request goes on (status 11). */
export class TimeoutError extends OoauthccError {}
/** The endpoint answered 5xx, 429, a redirect, … (status 12; see httpStatus, retryAfterMs). */
export class HttpStatusError extends OoauthccError {}
/** An RFC 6749 §5.2 error such as invalid_client (status 13; see oauthError). */
export class OAuthError extends OoauthccError {}
/** The answer was not a usable token response (status 14). */
export class MalformedResponseError extends OoauthccError {}
/** Reserved: a failing shared store is skipped, never reported (status 15). */
export class StoreError extends OoauthccError {}
/** The API was used in a way it does not support, e.g. a closed client (status 21). */
export class UsageError extends OoauthccError {}
/** A bug in ooauthcc; please report it (status 99). */
export class InternalError extends OoauthccError {}
