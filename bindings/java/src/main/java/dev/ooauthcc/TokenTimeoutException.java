package dev.ooauthcc;

/** No token within the caller's timeout; the shared request goes on for the other callers. (Named so as not to clash with {@link java.util.concurrent.TimeoutException}.) Status {@link OoauthccException#TIMEOUT}. */
public class TokenTimeoutException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    TokenTimeoutException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(TIMEOUT, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
