package dev.ooauthcc;

import java.time.Duration;
import java.util.Optional;

/**
 * Base class of every error ooauthcc reports: the {@code ooauthcc_status} of the failed call
 * and the detail of its {@code ooauthcc_error}. Each kind of failure has its own subclass
 * ({@link OAuthException}, {@link TransportException}, {@link TokenTimeoutException},
 * {@link HttpStatusException}, {@link ConfigException}, {@link MalformedResponseException}, …),
 * so callers can catch what they handle and let the rest through.
 *
 * <p>Messages name the cause (the setting, argument or endpoint) and never contain a secret or a
 * token. Unchecked, like {@link IllegalArgumentException}: most callers cannot recover from a
 * wrong secret at the call site.
 */
public class OoauthccException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code OOAUTHCC_STATUS_NULL_ARGUMENT}: a required argument was null. */
    public static final int NULL_ARGUMENT = 1;
    /** {@code OOAUTHCC_STATUS_INVALID_ARGUMENT}: an argument was invalid. */
    public static final int INVALID_ARGUMENT = 2;
    /** {@code OOAUTHCC_STATUS_CONFIG}: a setting is invalid; the message names it. */
    public static final int CONFIG = 3;
    /** {@code OOAUTHCC_STATUS_TRANSPORT}: the token endpoint could not be reached. */
    public static final int TRANSPORT = 10;
    /** {@code OOAUTHCC_STATUS_TIMEOUT}: no token within the timeout. */
    public static final int TIMEOUT = 11;
    /** {@code OOAUTHCC_STATUS_HTTP_STATUS}: the endpoint answered 5xx, 429, a redirect, …. */
    public static final int HTTP_STATUS = 12;
    /** {@code OOAUTHCC_STATUS_OAUTH}: an RFC 6749 §5.2 error such as {@code invalid_client}. */
    public static final int OAUTH = 13;
    /** {@code OOAUTHCC_STATUS_MALFORMED_RESPONSE}: the answer is not a usable token response. */
    public static final int MALFORMED_RESPONSE = 14;
    /** {@code OOAUTHCC_STATUS_STORE}: a shared store failed (not returned by libooauthcc 0.2). */
    public static final int STORE = 15;
    /** {@code OOAUTHCC_STATUS_USAGE}: the API was used in a way it does not support. */
    public static final int USAGE = 21;
    /** {@code OOAUTHCC_STATUS_INTERNAL}: a bug in ooauthcc. */
    public static final int INTERNAL = 99;

    private final int status;
    private final String kind;
    private final int httpStatus;
    private final String oauthError;
    private final String oauthErrorDescription;
    private final String oauthErrorUri;
    private final boolean retryable;
    private final long retryAfterMs;

    /**
     * An error with every field given; subclasses pass their own status. Prefer catching the
     * subclasses to building these yourself.
     *
     * @param status the {@code ooauthcc_status} code
     * @param message what failed and why (never a secret)
     * @param httpStatus the HTTP status of the token endpoint's answer, 0 for none
     * @param oauthError the OAuth {@code error} code, or null
     * @param oauthErrorDescription the OAuth {@code error_description}, or null
     * @param oauthErrorUri the OAuth {@code error_uri}, or null
     * @param retryable whether trying again later may succeed
     * @param retryAfterMs the server's {@code Retry-After} in milliseconds, 0 for none
     */
    protected OoauthccException(
            int status,
            String message,
            int httpStatus,
            String oauthError,
            String oauthErrorDescription,
            String oauthErrorUri,
            boolean retryable,
            long retryAfterMs) {
        super(message);
        this.status = status;
        this.kind = Ooauthcc.statusName(status);
        this.httpStatus = httpStatus;
        this.oauthError = oauthError;
        this.oauthErrorDescription = oauthErrorDescription;
        this.oauthErrorUri = oauthErrorUri;
        this.retryable = retryable;
        this.retryAfterMs = retryAfterMs;
    }

    /** {@return the {@code ooauthcc_status} code of the failure (the constants of this class)} */
    public int status() {
        return status;
    }

    /**
     * {@return the short name of the kind of failure, e.g. {@code "oauth"}} As {@code
     * ooauthcc_status_name}, Rust's {@code ErrorKind::name()} and Python's {@code Error.kind}.
     */
    public String kind() {
        return kind;
    }

    /** {@return the HTTP status the token endpoint answered with; 0 when there was no HTTP answer} */
    public int httpStatus() {
        return httpStatus;
    }

    /** {@return the OAuth {@code error} code the server sent (e.g. {@code "invalid_client"}); null if none} */
    public String oauthError() {
        return oauthError;
    }

    /** {@return the OAuth {@code error_description} the server sent; null if none} */
    public String oauthErrorDescription() {
        return oauthErrorDescription;
    }

    /** {@return the OAuth {@code error_uri} the server sent; null if none} */
    public String oauthErrorUri() {
        return oauthErrorUri;
    }

    /** {@return whether trying again later may succeed (outages yes; rejected credentials, bad settings no)} */
    public boolean isRetryable() {
        return retryable;
    }

    /** {@return how long the server asked to wait before retrying ({@code Retry-After}), if it said} */
    public Optional<Duration> retryAfter() {
        return retryAfterMs == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retryAfterMs));
    }

    /**
     * Turns an {@code ooauthcc_error *} returned by libooauthcc — or by a library built with it,
     * such as libooauthcc_testing — into the exception of its kind, and frees the error object
     * with {@code ooauthcc_error_free}. For code binding such a library; applications never need
     * it.
     *
     * @param status the status the failed call returned (not 0)
     * @param error the address of the {@code ooauthcc_error} it wrote, or 0 when it wrote none;
     *     owned by this method after the call
     * @return the exception to throw
     */
    public static OoauthccException fromNativeError(int status, long error) {
        if (error == 0) {
            return create(status, "ooauthcc call failed: " + Ooauthcc.statusName(status), 0, null, null, null, false, 0);
        }
        try {
            int errorStatus = Native.ooauthcc_error_status(error);
            return create(
                    errorStatus != 0 ? errorStatus : status,
                    Native.string(Native.ooauthcc_error_message(error)),
                    Short.toUnsignedInt(Native.ooauthcc_error_http_status(error)),
                    Native.string(Native.ooauthcc_error_oauth_error(error)),
                    Native.string(Native.ooauthcc_error_oauth_error_description(error)),
                    Native.string(Native.ooauthcc_error_oauth_error_uri(error)),
                    Native.ooauthcc_error_is_retryable(error) != 0,
                    Native.ooauthcc_error_retry_after_ms(error));
        } finally {
            Native.ooauthcc_error_free(error);
        }
    }

    /** The exception class of {@code status}, with these fields. */
    static OoauthccException create(
            int status,
            String message,
            int httpStatus,
            String oauthError,
            String oauthErrorDescription,
            String oauthErrorUri,
            boolean retryable,
            long retryAfterMs) {
        String m = message == null ? "ooauthcc error" : message;
        String e = oauthError;
        String d = oauthErrorDescription;
        String u = oauthErrorUri;
        boolean r = retryable;
        long a = retryAfterMs;
        int h = httpStatus;
        switch (status) {
            case NULL_ARGUMENT:
                return new NullArgumentException(m, h, e, d, u, r, a);
            case INVALID_ARGUMENT:
                return new InvalidArgumentException(m, h, e, d, u, r, a);
            case CONFIG:
                return new ConfigException(m, h, e, d, u, r, a);
            case TRANSPORT:
                return new TransportException(m, h, e, d, u, r, a);
            case TIMEOUT:
                return new TokenTimeoutException(m, h, e, d, u, r, a);
            case HTTP_STATUS:
                return new HttpStatusException(m, h, e, d, u, r, a);
            case OAUTH:
                return new OAuthException(m, h, e, d, u, r, a);
            case MALFORMED_RESPONSE:
                return new MalformedResponseException(m, h, e, d, u, r, a);
            case STORE:
                return new StoreException(m, h, e, d, u, r, a);
            case USAGE:
                return new UsageException(m, h, e, d, u, r, a);
            case INTERNAL:
                return new InternalException(m, h, e, d, u, r, a);
            default:
                return new OoauthccException(status, m, h, e, d, u, r, a);
        }
    }

    /** An error raised by this binding itself (no native error object). */
    static OoauthccException of(int status, String message) {
        return create(status, message, 0, null, null, null, false, 0);
    }
}
