package dev.ooauthcc;

/** An argument was invalid: not a URL, a string with a NUL character, an unknown counter, …. Status {@link OoauthccException#INVALID_ARGUMENT}. */
public class InvalidArgumentException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    InvalidArgumentException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(INVALID_ARGUMENT, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
