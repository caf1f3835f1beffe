package dev.ooauthcc;

/** A required argument was null. Status {@link OoauthccException#NULL_ARGUMENT}. */
public class NullArgumentException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    NullArgumentException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(NULL_ARGUMENT, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
