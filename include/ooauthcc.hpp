/*
 * ooauthcc for C++17: RAII handles and exceptions over the C API of
 * ooauthcc.h. Header-only; link with -looauthcc as for C (CMake:
 * ooauthcc::ooauthcc). Written by hand, not generated.
 *
 *   ooauthcc::Config cfg;
 *   cfg.set_token_url("https://idp.example/oauth2/token")
 *       .set_client_id("my-service")
 *       .set_client_secret(secret)
 *       .add_scope("orders.read");
 *   ooauthcc::Client client(cfg);              // checks every setting
 *   ooauthcc::Token token = client.get_token();  // throws ooauthcc::Error
 *   send("Authorization: Bearer " + std::string(token.access_token()));
 *
 * Ownership: each object owns one C handle and frees it in its destructor.
 * `Config` is move-only (a builder). `Client` and `Token` are copyable: a copy
 * is another reference to the same refcounted C object (`ooauthcc_client_clone`,
 * `ooauthcc_token_clone`), as cheap as copying a std::shared_ptr. A moved-from
 * object is empty: it may be destroyed, assigned to, or tested with
 * `operator bool`; calls on an empty `Client` throw `NullArgumentError`, and an
 * empty `Token` reads as empty strings and zero times.
 *
 * Threads: one `Client` or `Token` may be used from any number of threads at
 * once (its const members); as with std::shared_ptr, assigning to or
 * destroying one object must not race with other uses of that same object
 * (give each thread its own copy if threads come and go). A `Config` is for one
 * thread at a time.
 *
 * Errors: a failed call throws a subclass of `ooauthcc::Error` (itself a
 * std::runtime_error) named after its kind, e.g. `OAuthError` for a rejected
 * client; `Client::get_token_result` returns a `Result<Token>` instead of
 * throwing. Allocation failures throw std::bad_alloc as usual. No message ever
 * contains a secret or a token, and `operator<<` of a `Token` prints no token.
 */

#ifndef OOAUTHCC_HPP
#define OOAUTHCC_HPP

#if (defined(_MSVC_LANG) ? _MSVC_LANG : __cplusplus) < 201703L
#error "ooauthcc.hpp needs C++17 or later"
#endif

#include <chrono>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ooauthcc.h"

namespace ooauthcc {

/* --------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------ */

/// The version of the ooauthcc.h this was compiled against, e.g. "0.2.0".
inline constexpr std::string_view header_version = OOAUTHCC_VERSION_STRING;

/// The version of the library actually loaded (`ooauthcc_version()`).
inline std::string_view library_version() noexcept {
    const char *v = ooauthcc_version();
    return v != nullptr ? std::string_view(v) : std::string_view();
}

/* --------------------------------------------------------------------------
 * String arguments
 * ------------------------------------------------------------------------ */

/// A NUL-terminated string argument, made implicitly from a `const char *` or
/// a `const std::string &` without copying. The C API copies it during the
/// call. Only for parameters: it borrows, so never keep one.
class zstring {
public:
    /// Borrows a C string (NULL reaches the C API, which throws NullArgumentError).
    zstring(const char *s) noexcept : s_(s) {}  // NOLINT(google-explicit-constructor)
    /// Borrows the characters of a std::string (and its terminating NUL).
    zstring(const std::string &s) noexcept : s_(s.c_str()) {}  // NOLINT(google-explicit-constructor)
    /// The borrowed pointer.
    const char *c_str() const noexcept { return s_; }

private:
    const char *s_;
};

/* --------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

/// A failed call: the status (`ooauthcc_status`), a message naming the cause,
/// and what the token endpoint said. Thrown as the subclass of its kind
/// (`OAuthError`, `TransportError`, …); catch `ooauthcc::Error` for all of
/// them. Copies share the underlying `ooauthcc_error` (copying never throws).
/// Immutable: may be read from any thread.
class Error : public std::runtime_error {
public:
    /// Wraps the outcome of a failed C call: `status` as returned, and the
    /// error object it wrote to its `ooauthcc_error **err`, whose ownership
    /// this takes (NULL is allowed: the message then names the status).
    Error(ooauthcc_status status, ooauthcc_error *err) : Error(Owned{}, status, own(err)) {}

    /// The status of the failed call, e.g. `OOAUTHCC_STATUS_OAUTH` (13); never OK.
    ooauthcc_status status() const noexcept { return status_; }

    /// The short name of the kind, e.g. "oauth" (`ooauthcc_status_name`).
    std::string_view kind() const noexcept { return ooauthcc_status_name(status_); }

    /// The HTTP status the token endpoint answered with; 0 when there was no
    /// HTTP answer.
    std::uint16_t http_status() const noexcept { return ooauthcc_error_http_status(detail_.get()); }

    /// The OAuth `error` code the server sent (RFC 6749 §5.2), e.g.
    /// "invalid_client"; empty optional when it sent none.
    std::optional<std::string> oauth_error() const { return opt(ooauthcc_error_oauth_error(detail_.get())); }

    /// The OAuth `error_description` the server sent, if any.
    std::optional<std::string> oauth_error_description() const {
        return opt(ooauthcc_error_oauth_error_description(detail_.get()));
    }

    /// The OAuth `error_uri` the server sent, if any.
    std::optional<std::string> oauth_error_uri() const {
        return opt(ooauthcc_error_oauth_error_uri(detail_.get()));
    }

    /// Whether trying again later may succeed (outages: transport errors,
    /// timeouts, 5xx, 429); false for rejected credentials and bad settings.
    bool is_retryable() const noexcept { return ooauthcc_error_is_retryable(detail_.get()); }

    /// How long the server asked to wait before retrying (`Retry-After`);
    /// zero when it did not say.
    std::chrono::milliseconds retry_after() const noexcept {
        return std::chrono::milliseconds(
            static_cast<std::chrono::milliseconds::rep>(ooauthcc_error_retry_after_ms(detail_.get())));
    }

    /// The C error object (borrowed from this Error; may be NULL).
    const ooauthcc_error *native() const noexcept { return detail_.get(); }

    /// Throws this error as the subclass of its kind (`OAuthError` for
    /// `OOAUTHCC_STATUS_OAUTH`, …; an `Error` for a status this header does
    /// not know). `Result::value()` uses it.
    [[noreturn]] inline void raise() const;

private:
    using Detail = std::shared_ptr<const ooauthcc_error>;
    struct Owned {};

    Error(Owned, ooauthcc_status status, Detail detail)
        : std::runtime_error(message_of(status, detail.get())), status_(status), detail_(std::move(detail)) {}

    // Takes ownership at once, so that `err` is freed even if allocating fails.
    static Detail own(ooauthcc_error *err) {
        return Detail(err, [](const ooauthcc_error *e) { ooauthcc_error_free(const_cast<ooauthcc_error *>(e)); });
    }

    static std::string message_of(ooauthcc_status status, const ooauthcc_error *err) {
        const char *message = ooauthcc_error_message(err);
        if (message != nullptr) return message;
        return std::string("ooauthcc: ") + ooauthcc_status_name(status) + " (no detail)";
    }

    static std::optional<std::string> opt(const char *s) {
        return s != nullptr ? std::optional<std::string>(s) : std::nullopt;
    }

    ooauthcc_status status_;
    Detail detail_;
};

// One class per kind of error, named as in Python (`ooauthcc.OAuthError`, …);
// each adds only its type to `Error` and is made from one (sharing its C error
// object, without throwing). `Error::raise()` throws the right one.

/// A required argument was NULL (`OOAUTHCC_STATUS_NULL_ARGUMENT`), e.g. a call on
/// a moved-from Client.
struct NullArgumentError : Error {
    explicit NullArgumentError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// An argument was invalid (`OOAUTHCC_STATUS_INVALID_ARGUMENT`): not UTF-8, an
/// unknown enum value, a URL that does not parse.
struct InvalidArgumentError : Error {
    explicit InvalidArgumentError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// A setting is invalid (`OOAUTHCC_STATUS_CONFIG`); the message names it. Also a
/// credential read at request time (file, environment, callback) that is unusable.
struct ConfigError : Error {
    explicit ConfigError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// The token endpoint could not be reached: DNS, connect, TLS, reset
/// (`OOAUTHCC_STATUS_TRANSPORT`).
struct TransportError : Error {
    explicit TransportError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// No token within the timeout (`OOAUTHCC_STATUS_TIMEOUT`).
struct TokenTimeoutError : Error {
    explicit TokenTimeoutError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// The token endpoint answered 5xx, 429, a redirect, …
/// (`OOAUTHCC_STATUS_HTTP_STATUS`); see `http_status()`.
struct HttpStatusError : Error {
    explicit HttpStatusError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// The token endpoint answered with an RFC 6749 §5.2 error, e.g.
/// `invalid_client` with HTTP 401 (`OOAUTHCC_STATUS_OAUTH`); see `oauth_error()`.
struct OAuthError : Error {
    explicit OAuthError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// The token endpoint's answer is not a usable token response
/// (`OOAUTHCC_STATUS_MALFORMED_RESPONSE`).
struct MalformedResponseError : Error {
    explicit MalformedResponseError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// A shared token store failed (`OOAUTHCC_STATUS_STORE`). The C API never
/// returns it today (a failing store is skipped); kept for completeness.
struct StoreError : Error {
    explicit StoreError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// The API was used in a way it does not support (`OOAUTHCC_STATUS_USAGE`), e.g.
/// a destination host that is not allowed.
struct UsageError : Error {
    explicit UsageError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

/// A bug in ooauthcc (`OOAUTHCC_STATUS_INTERNAL`, a caught panic). Please report it.
struct InternalError : Error {
    explicit InternalError(const Error &e) noexcept : Error(e) {}  ///< The same error, as this kind.
};

inline void Error::raise() const {
    switch (status_) {
    case OOAUTHCC_STATUS_NULL_ARGUMENT: throw NullArgumentError(*this);
    case OOAUTHCC_STATUS_INVALID_ARGUMENT: throw InvalidArgumentError(*this);
    case OOAUTHCC_STATUS_CONFIG: throw ConfigError(*this);
    case OOAUTHCC_STATUS_TRANSPORT: throw TransportError(*this);
    case OOAUTHCC_STATUS_TIMEOUT: throw TokenTimeoutError(*this);
    case OOAUTHCC_STATUS_HTTP_STATUS: throw HttpStatusError(*this);
    case OOAUTHCC_STATUS_OAUTH: throw OAuthError(*this);
    case OOAUTHCC_STATUS_MALFORMED_RESPONSE: throw MalformedResponseError(*this);
    case OOAUTHCC_STATUS_STORE: throw StoreError(*this);
    case OOAUTHCC_STATUS_USAGE: throw UsageError(*this);
    case OOAUTHCC_STATUS_INTERNAL: throw InternalError(*this);
    default: throw *this;  // a status of a later release, or OK passed by mistake
    }
}

/// Calls `f(ooauthcc_error **err)` — a lambda around any C function — and
/// throws its error, as its kind, unless it returned OK. For the C functions
/// this header does not wrap, e.g.
/// `ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_config_set_issuer(cfg.native(), url, e); });`
template <typename F>
void call(F &&f) {
    ooauthcc_error *err = nullptr;
    const ooauthcc_status status = std::forward<F>(f)(&err);
    if (status != OOAUTHCC_STATUS_OK) Error(status, err).raise();
    ooauthcc_error_free(err);  // NULL after a success; freed in case it is not
}

/* --------------------------------------------------------------------------
 * Result: a token or an error, without exceptions
 * ------------------------------------------------------------------------ */

/// Either a value or the `Error` that prevented it (like C++23's
/// std::expected). `Client::get_token_result` returns one. Moving it moves the
/// value or error out; a moved-from Result stays in its state (holding a
/// moved-from value).
template <typename T>
class Result {
public:
    /// A successful result.
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    /// A failed result.
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

    /// True when it holds a value.
    bool ok() const noexcept { return v_.index() == 0; }
    /// The same as `ok()`.
    explicit operator bool() const noexcept { return ok(); }

    /// The value; throws the error (as its kind, see `Error::raise`) when there is none.
    T &value() & {
        if (!ok()) std::get<1>(v_).raise();
        return std::get<0>(v_);
    }
    /// The value; throws the error (as its kind) when there is none.
    const T &value() const & {
        if (!ok()) std::get<1>(v_).raise();
        return std::get<0>(v_);
    }
    /// The value, moved out of a temporary Result; throws the error when there is none.
    T value() && {
        if (!ok()) std::get<1>(v_).raise();
        return std::move(std::get<0>(v_));
    }

    /// The error; throws std::logic_error when the result is a success.
    const Error &error() const {
        if (ok()) throw std::logic_error("ooauthcc::Result::error() called on a success");
        return std::get<1>(v_);
    }

private:
    std::variant<T, Error> v_;
};

/* --------------------------------------------------------------------------
 * Config
 * ------------------------------------------------------------------------ */

/// The settings of one OAuth client (`ooauthcc_config`): a builder whose
/// setters throw `ConfigError`/`InvalidArgumentError` and return `*this`, for
/// chaining. Field names, defaults and checks are those of the C, Rust and
/// Python APIs; durations are std::chrono durations (whole milliseconds).
/// Settings without a setter here: `ooauthcc::call` with `native()`.
///
/// Move-only. Not thread-safe: one thread at a time (several threads may
/// build clients from one Config at once while nobody changes it).
class Config {
public:
    /// Every setting at its default; set at least the token URL, the client
    /// id and (unless the auth method is NONE) the secret.
    Config() : cfg_(ooauthcc_config_new()) {
        if (cfg_ == nullptr) throw std::bad_alloc();
    }

    /// Parses a JSON object of settings (`ooauthcc_config_from_json`: the
    /// names of the Rust and Python APIs, durations in seconds). Throws
    /// `ConfigError` naming an unknown or ill-typed field.
    static Config from_json(zstring json) { return parse(ooauthcc_config_from_json, json); }

    /// As `from_json`, from a TOML document with the same field names.
    static Config from_toml(zstring toml) { return parse(ooauthcc_config_from_toml, toml); }

    /// Takes over the settings of `other`, which becomes empty.
    Config(Config &&other) noexcept : cfg_(std::exchange(other.cfg_, nullptr)) {}
    /// Frees these settings and takes over those of `other` (self-move is a no-op).
    Config &operator=(Config &&other) noexcept {
        if (this != &other) {
            ooauthcc_config_free(cfg_);
            cfg_ = std::exchange(other.cfg_, nullptr);
        }
        return *this;
    }
    Config(const Config &) = delete;             ///< Move-only (the C config has no copy).
    Config &operator=(const Config &) = delete;  ///< Move-only.
    /// Frees the settings (`ooauthcc_config_free`). Clients built from them are not affected.
    ~Config() { ooauthcc_config_free(cfg_); }

    /// The token endpoint (`token_url`): https, or http to a loopback host.
    Config &set_token_url(zstring url) { return set(ooauthcc_config_set_token_url, url); }
    /// The client id (`client_id`).
    Config &set_client_id(zstring id) { return set(ooauthcc_config_set_client_id, id); }
    /// The client secret (`client_secret`); copied, never logged.
    Config &set_client_secret(zstring secret) { return set(ooauthcc_config_set_client_secret, secret); }
    /// Adds a scope to request (`scopes`).
    Config &add_scope(zstring scope) { return set(ooauthcc_config_add_scope, scope); }
    /// The `audience` parameter (empty: unset).
    Config &set_audience(zstring audience) { return set(ooauthcc_config_set_audience, audience); }
    /// Adds a `resource` indicator (RFC 8707).
    Config &add_resource(zstring resource) { return set(ooauthcc_config_add_resource, resource); }
    /// Adds an extra form parameter to the token request.
    Config &add_extra_param(zstring name, zstring value) {
        return call_([&](ooauthcc_error **e) {
            return ooauthcc_config_add_extra_param(cfg_, name.c_str(), value.c_str(), e);
        });
    }
    /// How the client authenticates (`auth_method`).
    Config &set_auth_method(ooauthcc_auth_method method) {
        return call_([&](ooauthcc_error **e) {
            return ooauthcc_config_set_auth_method(cfg_, static_cast<std::uint32_t>(method), e);
        });
    }
    /// How long `Client::get_token()` waits by default (`get_timeout`, default 30 s).
    Config &set_get_timeout(std::chrono::milliseconds timeout) {
        return set_ms(ooauthcc_config_set_get_timeout_ms, timeout);
    }
    /// The bound on each HTTP request (`request_timeout`).
    Config &set_request_timeout(std::chrono::milliseconds timeout) {
        return set_ms(ooauthcc_config_set_request_timeout_ms, timeout);
    }
    /// How many times a failed request that may succeed later is retried (`max_retries`).
    Config &set_max_retries(std::uint32_t retries) {
        return call_([&](ooauthcc_error **e) { return ooauthcc_config_set_max_retries(cfg_, retries, e); });
    }
    /// The first retry's delay (`retry_base_delay`), doubled at each retry.
    Config &set_retry_base_delay(std::chrono::milliseconds delay) {
        return set_ms(ooauthcc_config_set_retry_base_delay_ms, delay);
    }
    /// The fraction of a token's lifetime after which it is renewed in the
    /// background (`refresh_ahead`, default 0.8).
    Config &set_refresh_ahead(double fraction) {
        return call_([&](ooauthcc_error **e) { return ooauthcc_config_set_refresh_ahead(cfg_, fraction, e); });
    }
    /// A shared token store (`store_url`: `redis://…`, `file:///dir`; empty: none).
    Config &set_store_url(zstring url) { return set(ooauthcc_config_set_store_url, url); }

    /// Checks every setting as `Client` does, without building one; throws
    /// `ConfigError` naming the first bad setting.
    void validate() const {
        call([&](ooauthcc_error **e) { return ooauthcc_config_validate(cfg_, e); });
    }

    /// The C config (NULL when moved from), for the setters not wrapped here.
    ooauthcc_config *native() noexcept { return cfg_; }
    /// The C config (NULL when moved from).
    const ooauthcc_config *native() const noexcept { return cfg_; }
    /// False when moved from.
    explicit operator bool() const noexcept { return cfg_ != nullptr; }

private:
    explicit Config(ooauthcc_config *cfg) noexcept : cfg_(cfg) {}

    using Parser = ooauthcc_status (*)(const char *, ooauthcc_config **, ooauthcc_error **);
    static Config parse(Parser parser, zstring text) {
        ooauthcc_config *raw = nullptr;
        call([&](ooauthcc_error **e) { return parser(text.c_str(), &raw, e); });
        return Config(raw);
    }

    template <typename F>
    Config &call_(F &&f) {
        call(std::forward<F>(f));
        return *this;
    }
    using StringSetter = ooauthcc_status (*)(ooauthcc_config *, const char *, ooauthcc_error **);
    Config &set(StringSetter setter, zstring value) {
        return call_([&](ooauthcc_error **e) { return setter(cfg_, value.c_str(), e); });
    }
    using MsSetter = ooauthcc_status (*)(ooauthcc_config *, std::uint64_t, ooauthcc_error **);
    Config &set_ms(MsSetter setter, std::chrono::milliseconds ms) {
        // A negative duration reaches the C API as 0, which it rejects where 0 is invalid.
        const auto count = ms.count() < 0 ? 0 : static_cast<std::uint64_t>(ms.count());
        return call_([&](ooauthcc_error **e) { return setter(cfg_, count, e); });
    }

    ooauthcc_config *cfg_;
};

/* --------------------------------------------------------------------------
 * Token
 * ------------------------------------------------------------------------ */

/// One access token and what the server said about it (`ooauthcc_token`):
/// immutable and refcounted. Copies are references to the same token (as
/// cheap as a std::shared_ptr copy); the library wipes it when the last one
/// goes. The strings returned are borrowed from the C token: valid while this
/// Token (or a Token it was moved into) holds it.
///
/// An empty Token (default-constructed or moved from) reads as empty strings,
/// a zero expiry and `is_expired() == true`.
///
/// Never log the access token: `operator<<` prints a redacted form.
/// Thread-safe: any number of threads may read one Token at once.
class Token {
public:
    /// An empty token.
    Token() noexcept = default;
    /// Takes ownership of one reference to a C token (NULL gives an empty Token).
    explicit Token(ooauthcc_token *token) noexcept : token_(token) {}

    /// Another reference to the same token.
    Token(const Token &other) noexcept : token_(ooauthcc_token_clone(other.token_)) {}
    /// Takes over `other`'s reference; `other` becomes empty.
    Token(Token &&other) noexcept : token_(std::exchange(other.token_, nullptr)) {}
    /// Drops this reference and takes another to `other`'s token.
    Token &operator=(const Token &other) noexcept {
        ooauthcc_token *copy = ooauthcc_token_clone(other.token_);  // first: self-assignment is safe
        ooauthcc_token_free(token_);
        token_ = copy;
        return *this;
    }
    /// Drops this reference and takes over `other`'s (self-move is a no-op).
    Token &operator=(Token &&other) noexcept {
        if (this != &other) {
            ooauthcc_token_free(token_);
            token_ = std::exchange(other.token_, nullptr);
        }
        return *this;
    }
    /// Drops this reference (`ooauthcc_token_free`).
    ~Token() { ooauthcc_token_free(token_); }

    /// The access token to send (empty for an empty Token). Never log it.
    std::string_view access_token() const noexcept {
        return view(ooauthcc_token_access_token(token_), ooauthcc_token_access_token_len(token_));
    }
    /// The token type: "Bearer" when the server said bearer in any case or nothing.
    std::string_view token_type() const noexcept { return view(ooauthcc_token_token_type(token_)); }
    /// When the token expires on the wall clock (the server's `expires_in`
    /// counted from when the request was sent); the epoch for an empty Token.
    std::chrono::system_clock::time_point expires_at() const noexcept {
        const std::chrono::milliseconds ms(ooauthcc_token_expires_at_unix_ms(token_));
        return std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(ms));
    }
    /// The lifetime the server granted (or the one assumed when it said none).
    std::chrono::milliseconds lifetime() const noexcept {
        return std::chrono::milliseconds(
            static_cast<std::chrono::milliseconds::rep>(ooauthcc_token_lifetime_ms(token_)));
    }
    /// The scope the server granted, if it sent one.
    std::optional<std::string_view> scope() const noexcept {
        const char *s = ooauthcc_token_scope(token_);
        return s != nullptr ? std::optional<std::string_view>(s) : std::nullopt;
    }
    /// The other fields of the token response as a JSON object ("{}" when none).
    std::string_view extra_json() const noexcept { return view(ooauthcc_token_extra_json(token_)); }
    /// Whether the token is past the point where the cache stops serving it
    /// (its expiry minus the refresh skew); true for an empty Token.
    bool is_expired() const noexcept { return ooauthcc_token_is_expired(token_); }

    /// False for an empty Token.
    explicit operator bool() const noexcept { return token_ != nullptr; }
    /// The C token, borrowed (NULL when empty).
    const ooauthcc_token *native() const noexcept { return token_; }
    /// Gives up ownership: returns the C token reference (free it with
    /// `ooauthcc_token_free`) and leaves this Token empty.
    ooauthcc_token *release() noexcept { return std::exchange(token_, nullptr); }

    /// Prints the token REDACTED: its type, length and expiry, never the token, e.g.
    /// `ooauthcc::Token(Bearer, 35 bytes redacted, expires_at_unix_ms=1767225600000)`.
    friend std::ostream &operator<<(std::ostream &os, const Token &token) {
        if (!token) return os << "ooauthcc::Token(empty)";
        return os << "ooauthcc::Token(" << token.token_type() << ", " << token.access_token().size()
                  << " bytes redacted, expires_at_unix_ms=" << ooauthcc_token_expires_at_unix_ms(token.token_)
                  << ")";
    }

private:
    static std::string_view view(const char *s) noexcept { return s != nullptr ? std::string_view(s) : std::string_view(); }
    static std::string_view view(const char *s, std::size_t len) noexcept {
        return s != nullptr ? std::string_view(s, len) : std::string_view();
    }

    ooauthcc_token *token_ = nullptr;
};

/* --------------------------------------------------------------------------
 * Authorization: what to send on one API request
 * ------------------------------------------------------------------------ */

/// What to send on one API request (`ooauthcc_authorized`), from
/// `Client::authorize(url)`: the URL (with the token in it when the config set
/// `query_param`) and the header lines to add — the token's in its
/// `header_format`, `resource_headers`, and a `Cookie` of `resource_cookies`.
/// Move-only; its text (which holds the token) is wiped when it goes. Never
/// log it. Thread-safe for reading.
class Authorization {
public:
    /// Takes ownership of a C object (NULL gives an empty Authorization).
    explicit Authorization(ooauthcc_authorized *authorized) noexcept : authorized_(authorized) {}
    /// Takes over `other`'s object; `other` becomes empty.
    Authorization(Authorization &&other) noexcept : authorized_(std::exchange(other.authorized_, nullptr)) {}
    /// Frees this object and takes over `other`'s (self-move is a no-op).
    Authorization &operator=(Authorization &&other) noexcept {
        if (this != &other) {
            ooauthcc_authorized_free(authorized_);
            authorized_ = std::exchange(other.authorized_, nullptr);
        }
        return *this;
    }
    Authorization(const Authorization &) = delete;             ///< Move-only.
    Authorization &operator=(const Authorization &) = delete;  ///< Move-only.
    /// Frees the object (`ooauthcc_authorized_free`), wiping its text.
    ~Authorization() { ooauthcc_authorized_free(authorized_); }

    /// The URL to send the request to.
    std::string_view url() const noexcept { return view(ooauthcc_authorized_url(authorized_)); }
    /// How many headers to add.
    std::size_t header_count() const noexcept { return ooauthcc_authorized_header_count(authorized_); }
    /// Header `i` as one line, `"Name: value"` (curl's `CURLOPT_HTTPHEADER`); empty past the end.
    std::string_view header_line(std::size_t i) const noexcept {
        return view(ooauthcc_authorized_header_line(authorized_, i));
    }
    /// The name of header `i`; empty past the end.
    std::string_view header_name(std::size_t i) const noexcept {
        return view(ooauthcc_authorized_header_name(authorized_, i));
    }
    /// The value of header `i`; empty past the end.
    std::string_view header_value(std::size_t i) const noexcept {
        return view(ooauthcc_authorized_header_value(authorized_, i));
    }
    /// The access token these carry, for `Client::invalidate` after a 401.
    zstring access_token() const noexcept { return zstring(ooauthcc_authorized_access_token(authorized_)); }

    /// False when empty (moved from).
    explicit operator bool() const noexcept { return authorized_ != nullptr; }

private:
    static std::string_view view(const char *s) noexcept { return s != nullptr ? std::string_view(s) : std::string_view(); }

    ooauthcc_authorized *authorized_ = nullptr;
};

/* --------------------------------------------------------------------------
 * Client
 * ------------------------------------------------------------------------ */

/// Passed as a timeout: wait as long as the shared fetch takes
/// (`OOAUTHCC_TIMEOUT_FOREVER`; each attempt is still bounded by `request_timeout`).
inline constexpr std::chrono::milliseconds wait_forever = std::chrono::milliseconds::max();

/// Gets tokens for one configuration (`ooauthcc_client`): from the cache when
/// it holds a fresh one, otherwise from ONE request shared by every caller
/// waiting at that moment (in every thread, through every Client built from
/// the same settings); renewed in the background ahead of expiry.
///
/// Copyable: a copy is another reference to the same C client
/// (`ooauthcc_client_clone`) — same cache, same statistics — and as cheap as
/// a std::shared_ptr copy; the client goes with its last reference. Its const
/// members may be called from any number of threads at once; assigning to or
/// destroying one Client object must not race with other uses of that object
/// (each thread may keep its own copy). Calls on a moved-from (empty) Client
/// throw `NullArgumentError`.
class Client {
public:
    /// Builds a client from `config` (copied). Checks every setting: throws
    /// `ConfigError` naming a bad one. Sends nothing, starts no thread.
    explicit Client(const Config &config) {
        call([&](ooauthcc_error **e) { return ooauthcc_client_new(config.native(), &client_, e); });
    }
    /// Takes ownership of one reference to a C client (NULL gives an empty Client).
    explicit Client(ooauthcc_client *client) noexcept : client_(client) {}

    /// Another reference to the same client.
    Client(const Client &other) noexcept : client_(ooauthcc_client_clone(other.client_)) {}
    /// Takes over `other`'s reference; `other` becomes empty.
    Client(Client &&other) noexcept : client_(std::exchange(other.client_, nullptr)) {}
    /// Drops this reference and takes another to `other`'s client.
    Client &operator=(const Client &other) noexcept {
        ooauthcc_client *copy = ooauthcc_client_clone(other.client_);  // first: self-assignment is safe
        ooauthcc_client_free(client_);
        client_ = copy;
        return *this;
    }
    /// Drops this reference and takes over `other`'s (self-move is a no-op).
    Client &operator=(Client &&other) noexcept {
        if (this != &other) {
            ooauthcc_client_free(client_);
            client_ = std::exchange(other.client_, nullptr);
        }
        return *this;
    }
    /// Drops this reference (`ooauthcc_client_free`); tokens got from it stay valid.
    ~Client() { ooauthcc_client_free(client_); }

    /// A valid token, waiting at most the config's `get_timeout` for it.
    /// Throws the fetch's error as its kind: `OAuthError` (e.g.
    /// `invalid_client`), `TransportError`, `HttpStatusError`,
    /// `TokenTimeoutError`, `MalformedResponseError`, `ConfigError`, …
    Token get_token() const { return fetch(OOAUTHCC_TIMEOUT_CONFIGURED).value(); }
    /// As `get_token()`, waiting at most `timeout` (`wait_forever`: as long as
    /// the fetch takes; at least 1 ms — to not wait at all, `cached_token()`).
    Token get_token(std::chrono::milliseconds timeout) const { return fetch(to_ms(timeout)).value(); }

    /// As `get_token()`, but a failure comes back in the Result instead of
    /// being thrown (only std::bad_alloc may still be thrown).
    Result<Token> get_token_result() const { return fetch(OOAUTHCC_TIMEOUT_CONFIGURED); }
    /// As `get_token(timeout)`, with the failure in the Result.
    Result<Token> get_token_result(std::chrono::milliseconds timeout) const { return fetch(to_ms(timeout)); }

    /// The token the cache may serve, without blocking, sending anything or
    /// starting a fetch; empty optional when it has none.
    std::optional<Token> cached_token() const {
        ooauthcc_token *raw = nullptr;
        call([&](ooauthcc_error **e) { return ooauthcc_client_cached_token(client_, &raw, e); });
        return raw != nullptr ? std::optional<Token>(Token(raw)) : std::nullopt;
    }

    /// Compare-and-invalidate after a resource server rejected `token` (401):
    /// drops the cached token only if it is this one; true if it did.
    bool invalidate(const Token &token) const {
        return invalidate(ooauthcc_token_access_token(token.native()));
    }
    /// As `invalidate(const Token &)`, given the access token's text.
    bool invalidate(zstring access_token) const {
        bool dropped = false;
        call([&](ooauthcc_error **e) {
            return ooauthcc_client_invalidate(client_, access_token.c_str(), &dropped, e);
        });
        return dropped;
    }

    /// One counter of the shared cache entry, e.g. `OOAUTHCC_STAT_TOKEN_REQUESTS`.
    std::uint64_t stat(ooauthcc_stat which) const {
        std::uint64_t value = 0;
        call([&](ooauthcc_error **e) {
            return ooauthcc_client_stat(client_, static_cast<std::uint32_t>(which), &value, e);
        });
        return value;
    }

    /// The header that carries the token (default "Authorization"); empty for an empty Client.
    std::string_view header_name() const noexcept {
        const char *name = ooauthcc_client_header_name(client_);
        return name != nullptr ? std::string_view(name) : std::string_view();
    }

    /// Throws `UsageError` unless a token of this client may be sent to `url`
    /// (`allowed_hosts`, and https except to loopback hosts).
    void check_destination(zstring url) const {
        call([&](ooauthcc_error **e) { return ooauthcc_client_check_destination(client_, url.c_str(), e); });
    }

    /// What to send on an API request to `url`: throws `UsageError` naming the
    /// host when the token may not go there (checked before any token
    /// request), else gets the token as `get_token()` does. After a 401, call
    /// `invalidate(a.access_token())` and authorize again, at most
    /// `unauthorized_retries()` times.
    Authorization authorize(zstring url) const {
        ooauthcc_authorized *raw = nullptr;
        call([&](ooauthcc_error **e) {
            return ooauthcc_client_authorize(client_, url.c_str(), OOAUTHCC_TIMEOUT_CONFIGURED, &raw, e);
        });
        return Authorization(raw);
    }
    /// How many times to retry an API request with a new token after a 401.
    std::uint32_t unauthorized_retries() const noexcept { return ooauthcc_client_unauthorized_retries(client_); }

    /// False when moved from.
    explicit operator bool() const noexcept { return client_ != nullptr; }
    /// The C client, borrowed (NULL when empty), for functions not wrapped here.
    const ooauthcc_client *native() const noexcept { return client_; }

private:
    static std::uint64_t to_ms(std::chrono::milliseconds timeout) noexcept {
        if (timeout == wait_forever) return OOAUTHCC_TIMEOUT_FOREVER;
        // 0 would mean "the configured timeout" to the C API.
        return timeout.count() < 1 ? 1 : static_cast<std::uint64_t>(timeout.count());
    }

    Result<Token> fetch(std::uint64_t timeout_ms) const {
        ooauthcc_token *raw = nullptr;
        ooauthcc_error *err = nullptr;
        const ooauthcc_status status = ooauthcc_client_get_token(client_, timeout_ms, &raw, &err);
        if (status != OOAUTHCC_STATUS_OK) return Error(status, err);
        ooauthcc_error_free(err);
        return Token(raw);
    }

    ooauthcc_client *client_ = nullptr;
};

/* --------------------------------------------------------------------------
 * Profiles: named clients from one document
 * ------------------------------------------------------------------------ */

/// Named client configurations from one JSON or TOML document
/// (`ooauthcc_profiles`), every profile checked when loaded. Move-only;
/// clients built from it outlive it. Thread-safe for reading and building.
class Profiles {
public:
    /// Reads the document at `path` (TOML, or JSON for `*.json`). Throws `ConfigError`.
    static Profiles from_file(zstring path) { return parse(ooauthcc_profiles_from_file, path); }
    /// Parses JSON text `{"profiles": {name: {settings}}}`. Throws `ConfigError`.
    static Profiles from_json(zstring json) { return parse(ooauthcc_profiles_from_json, json); }
    /// Parses TOML text with `[profiles.<name>]` tables. Throws `ConfigError`.
    static Profiles from_toml(zstring toml) { return parse(ooauthcc_profiles_from_toml, toml); }

    /// Takes over `other`'s object; `other` becomes empty.
    Profiles(Profiles &&other) noexcept : profiles_(std::exchange(other.profiles_, nullptr)) {}
    /// Frees this object and takes over `other`'s (self-move is a no-op).
    Profiles &operator=(Profiles &&other) noexcept {
        if (this != &other) {
            ooauthcc_profiles_free(profiles_);
            profiles_ = std::exchange(other.profiles_, nullptr);
        }
        return *this;
    }
    Profiles(const Profiles &) = delete;             ///< Move-only.
    Profiles &operator=(const Profiles &) = delete;  ///< Move-only.
    ~Profiles() { ooauthcc_profiles_free(profiles_); }

    /// The profile names, sorted (views into this object).
    std::vector<std::string_view> names() const {
        std::vector<std::string_view> out;
        for (std::size_t i = 0; i < ooauthcc_profiles_count(profiles_); i++) {
            out.emplace_back(ooauthcc_profiles_name(profiles_, i));
        }
        return out;
    }
    /// A client for profile `name`; throws `ConfigError` listing the known names if there is none.
    Client client(zstring name) const {
        ooauthcc_client *raw = nullptr;
        call([&](ooauthcc_error **e) { return ooauthcc_profiles_client(profiles_, name.c_str(), &raw, e); });
        return Client(raw);
    }

private:
    explicit Profiles(ooauthcc_profiles *profiles) noexcept : profiles_(profiles) {}
    using Parser = ooauthcc_status (*)(const char *, ooauthcc_profiles **, ooauthcc_error **);
    static Profiles parse(Parser parser, zstring text) {
        ooauthcc_profiles *raw = nullptr;
        call([&](ooauthcc_error **e) { return parser(text.c_str(), &raw, e); });
        return Profiles(raw);
    }

    ooauthcc_profiles *profiles_ = nullptr;
};

}  // namespace ooauthcc

#endif /* OOAUTHCC_HPP */
