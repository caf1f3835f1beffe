'use strict';
/**
 * The errors of ooauthcc: one class per kind of failure (the C API's
 * `ooauthcc_status` codes), all extending {@link OoauthccError}. Messages name
 * the cause and never contain a secret or a token (the library guarantees it
 * for its messages; this file adds none that could).
 */

const { c, isNull } = require('./native');

/** The stable status codes (`ooauthcc_status` in ooauthcc.h). */
const Status = Object.freeze({
  OK: 0,
  NULL_ARGUMENT: 1,
  INVALID_ARGUMENT: 2,
  CONFIG: 3,
  TRANSPORT: 10,
  TIMEOUT: 11,
  HTTP_STATUS: 12,
  OAUTH: 13,
  MALFORMED_RESPONSE: 14,
  STORE: 15,
  USAGE: 21,
  INTERNAL: 99,
});

/**
 * Base class of every ooauthcc error.
 *
 * - `status`: the stable code of the kind (the C API's `ooauthcc_status`, Python's `.status`)
 * - `kind`: its name, e.g. `"oauth"` (`ooauthcc_status_name`)
 * - `code`: Node-style `"ERR_OOAUTHCC_<KIND>"`
 * - `httpStatus`: the HTTP status the token endpoint answered with, or `null`
 * - `oauthError`, `oauthErrorDescription`, `oauthErrorUri`: the RFC 6749 §5.2 fields the server sent, or `null`
 * - `retryable`: whether trying again later may succeed (outages yes, rejected credentials no)
 * - `retryAfterMs`: how long the server asked to wait (`Retry-After`), or `null`
 */
class OoauthccError extends Error {
  /**
   * @param {string} message
   * @param {object} [fields] status, kind, httpStatus, oauthError, oauthErrorDescription,
   *   oauthErrorUri, retryable, retryAfterMs (missing ones default to the class's kind / null)
   */
  constructor(message, fields = {}) {
    super(message);
    const cls = /** @type {typeof OoauthccError} */ (new.target);
    this.name = cls.name;
    this.status = fields.status ?? cls.STATUS;
    this.kind = fields.kind ?? cls.KIND;
    this.code = `ERR_OOAUTHCC_${this.kind.toUpperCase()}`;
    this.httpStatus = fields.httpStatus ?? null;
    this.oauthError = fields.oauthError ?? null;
    this.oauthErrorDescription = fields.oauthErrorDescription ?? null;
    this.oauthErrorUri = fields.oauthErrorUri ?? null;
    this.retryable = fields.retryable ?? false;
    this.retryAfterMs = fields.retryAfterMs ?? null;
  }
}
OoauthccError.STATUS = -1;
OoauthccError.KIND = 'unknown';

/** A subclass of OoauthccError for one kind (named, so `err.name` and stack traces show it). */
function kindClass(name, status, kind) {
  const cls = { [name]: class extends OoauthccError {} }[name];
  cls.STATUS = status;
  cls.KIND = kind;
  return cls;
}

/** A required argument was missing. */
const NullArgumentError = kindClass('NullArgumentError', 1, 'null_argument');
/** An argument was invalid. */
const InvalidArgumentError = kindClass('InvalidArgumentError', 2, 'invalid_argument');
/** A setting is invalid; the message names it. */
const ConfigError = kindClass('ConfigError', 3, 'config');
/** The token endpoint could not be reached. */
const TransportError = kindClass('TransportError', 10, 'transport');
/** No token within the timeout; the shared request goes on for others. */
const TimeoutError = kindClass('TimeoutError', 11, 'timeout');
/** The token endpoint answered 5xx, 429, a redirect, … (see httpStatus). */
const HttpStatusError = kindClass('HttpStatusError', 12, 'http_status');
/** An RFC 6749 §5.2 error, e.g. invalid_client (see oauthError). */
const OAuthError = kindClass('OAuthError', 13, 'oauth');
/** The answer was not a usable token response. */
const MalformedResponseError = kindClass('MalformedResponseError', 14, 'malformed_response');
/** Reserved: a failing shared store is skipped, never reported to callers. */
const StoreError = kindClass('StoreError', 15, 'store');
/** The API was used in a way it does not support (e.g. a closed client). */
const UsageError = kindClass('UsageError', 21, 'usage');
/** A bug in ooauthcc; please report it. */
const InternalError = kindClass('InternalError', 99, 'internal');

const byStatus = new Map(
  [
    NullArgumentError,
    InvalidArgumentError,
    ConfigError,
    TransportError,
    TimeoutError,
    HttpStatusError,
    OAuthError,
    MalformedResponseError,
    StoreError,
    UsageError,
    InternalError,
  ].map((cls) => [cls.STATUS, cls]),
);

/** The error object for `status`, read from the native `ooauthcc_error *err` (then freed). */
function takeError(status, err) {
  const cls = byStatus.get(status) ?? OoauthccError;
  const kind = c.status_name(status);
  if (isNull(err)) return new cls(`ooauthcc: ${kind} (status ${status}, no detail)`, { status, kind });
  try {
    const http = c.error_http_status(err);
    const retryAfter = Number(c.error_retry_after_ms(err));
    return new cls(c.error_message(err) ?? kind, {
      status,
      kind,
      httpStatus: http === 0 ? null : http,
      oauthError: c.error_oauth_error(err),
      oauthErrorDescription: c.error_oauth_error_description(err),
      oauthErrorUri: c.error_oauth_error_uri(err),
      retryable: c.error_is_retryable(err),
      retryAfterMs: retryAfter === 0 ? null : retryAfter,
    });
  } finally {
    c.error_free(err);
  }
}

/**
 * Throws the error of a failed call. `out` is the one-element array koffi
 * filled with the `ooauthcc_error *`.
 */
function check(status, out) {
  if (status !== 0) throw takeError(status, out[0]);
}

module.exports = {
  Status,
  OoauthccError,
  NullArgumentError,
  InvalidArgumentError,
  ConfigError,
  TransportError,
  TimeoutError,
  HttpStatusError,
  OAuthError,
  MalformedResponseError,
  StoreError,
  UsageError,
  InternalError,
  takeError,
  check,
};
