'use strict';
/**
 * The C ABI of libooauthcc, declared for koffi. Internal: use `index.js`.
 *
 * Only libooauthcc is loaded here (never libooauthcc_testing: see testing.js).
 * Handles are opaque pointers, which koffi 3 represents as BigInt; NULL is 0n
 * or null depending on the call, so compare with `isNull`.
 */

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

/** `lib<name>.so` (`.dylib` on macOS, `<name>.dll` on Windows). */
function libraryFile(name) {
  if (process.platform === 'darwin') return `lib${name}.dylib`;
  if (process.platform === 'win32') return `${name}.dll`;
  return `lib${name}.so`;
}

/**
 * Where to load a library from: `$OOAUTHCC_LIB_DIR/lib<name>.so` when that
 * variable is set; else the repository's `target/release/` when this package
 * sits in its source tree; else the bare name, for the system's loader
 * (a library installed by `scripts/install-c.sh` in a directory it searches).
 */
function libraryPath(name) {
  const file = libraryFile(name);
  const dir = process.env.OOAUTHCC_LIB_DIR;
  if (dir) return path.join(dir, file);
  const inRepo = path.join(__dirname, '..', '..', '..', 'target', 'release', file);
  if (fs.existsSync(inRepo)) return inRepo;
  return file;
}

function load(name) {
  const where = libraryPath(name);
  try {
    return koffi.load(where);
  } catch (cause) {
    const err = new Error(
      `ooauthcc: cannot load ${where} (set OOAUTHCC_LIB_DIR to the directory holding ${libraryFile(name)}; ` +
        'build it with `cargo build --release -p ooauthcc-ffi`)',
      { cause },
    );
    err.code = 'ERR_OOAUTHCC_LOAD';
    throw err;
  }
}

const lib = load('ooauthcc');

// Opaque handles. Declared once per process: koffi types are global by name.
koffi.opaque('ooauthcc_error');
koffi.opaque('ooauthcc_config');
koffi.opaque('ooauthcc_client');
koffi.opaque('ooauthcc_token');

const f = (proto) => lib.func(proto);

/** The functions of libooauthcc this package calls, named as in ooauthcc.h without the prefix. */
const c = {
  version: f('const char *ooauthcc_version(void)'),
  status_name: f('const char *ooauthcc_status_name(uint32_t status)'),

  error_status: f('uint32_t ooauthcc_error_status(const ooauthcc_error *error)'),
  error_message: f('const char *ooauthcc_error_message(const ooauthcc_error *error)'),
  error_http_status: f('uint16_t ooauthcc_error_http_status(const ooauthcc_error *error)'),
  error_oauth_error: f('const char *ooauthcc_error_oauth_error(const ooauthcc_error *error)'),
  error_oauth_error_description: f('const char *ooauthcc_error_oauth_error_description(const ooauthcc_error *error)'),
  error_oauth_error_uri: f('const char *ooauthcc_error_oauth_error_uri(const ooauthcc_error *error)'),
  error_is_retryable: f('bool ooauthcc_error_is_retryable(const ooauthcc_error *error)'),
  error_retry_after_ms: f('uint64_t ooauthcc_error_retry_after_ms(const ooauthcc_error *error)'),
  error_free: f('void ooauthcc_error_free(ooauthcc_error *error)'),

  config_from_json: f('uint32_t ooauthcc_config_from_json(const char *json, _Out_ ooauthcc_config **out, _Out_ ooauthcc_error **err)'),
  config_free: f('void ooauthcc_config_free(ooauthcc_config *cfg)'),

  client_new: f('uint32_t ooauthcc_client_new(const ooauthcc_config *cfg, _Out_ ooauthcc_client **out, _Out_ ooauthcc_error **err)'),
  client_clone: f('ooauthcc_client *ooauthcc_client_clone(const ooauthcc_client *client)'),
  client_free: f('void ooauthcc_client_free(ooauthcc_client *client)'),
  // Two declarations of one function. The synchronous one (the hot path)
  // takes the addresses of output slots the caller reads back itself (see
  // index.js): a fraction of the cost of koffi's `_Out_` arrays. The one called
  // through `.async` on a worker thread uses `_Out_` arrays, which koffi copies
  // back on the main thread when the call ends, so that concurrent calls never
  // share a slot.
  client_get_token: f('uint32_t ooauthcc_client_get_token(const ooauthcc_client *client, uint64_t timeout_ms, ooauthcc_token **out, ooauthcc_error **err)'),
  client_get_token_out: f('uint32_t ooauthcc_client_get_token(const ooauthcc_client *client, uint64_t timeout_ms, _Out_ ooauthcc_token **out, _Out_ ooauthcc_error **err)'),
  // Never blocks: the hot path of getToken(), with output slots as above.
  client_try_get_token: f('uint32_t ooauthcc_client_try_get_token(const ooauthcc_client *client, ooauthcc_token **out, ooauthcc_error **err)'),
  client_cached_token: f('uint32_t ooauthcc_client_cached_token(const ooauthcc_client *client, _Out_ ooauthcc_token **out, _Out_ ooauthcc_error **err)'),
  client_invalidate: f('uint32_t ooauthcc_client_invalidate(const ooauthcc_client *client, const char *access_token, _Out_ bool *invalidated, _Out_ ooauthcc_error **err)'),
  client_stat: f('uint32_t ooauthcc_client_stat(const ooauthcc_client *client, uint32_t which, _Out_ uint64_t *out, _Out_ ooauthcc_error **err)'),
  stat_name: f('const char *ooauthcc_stat_name(uint32_t which)'),

  token_access_token: f('const char *ooauthcc_token_access_token(const ooauthcc_token *token)'),
  token_token_type: f('const char *ooauthcc_token_token_type(const ooauthcc_token *token)'),
  token_expires_at_unix_ms: f('int64_t ooauthcc_token_expires_at_unix_ms(const ooauthcc_token *token)'),
  token_lifetime_ms: f('uint64_t ooauthcc_token_lifetime_ms(const ooauthcc_token *token)'),
  token_scope: f('const char *ooauthcc_token_scope(const ooauthcc_token *token)'),
  token_extra_json: f('const char *ooauthcc_token_extra_json(const ooauthcc_token *token)'),
  token_free: f('void ooauthcc_token_free(ooauthcc_token *token)'),
};

/** Whether a pointer koffi returned is NULL. */
function isNull(ptr) {
  return ptr === null || ptr === undefined || ptr === 0n || ptr === 0;
}

module.exports = { koffi, c, isNull, load, libraryPath };
