package dev.ooauthcc;

/** A bug in ooauthcc (a caught panic). Please report it. Status {@link OoauthccException#INTERNAL}. */
public class InternalException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    InternalException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(INTERNAL, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
