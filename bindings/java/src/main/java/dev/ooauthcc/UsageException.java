package dev.ooauthcc;

/** The API was used in a way it does not support: a closed {@link Client}, a host the token may not be sent to, a blocking call from a library thread. Status {@link OoauthccException#USAGE}. */
public class UsageException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    UsageException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(USAGE, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
