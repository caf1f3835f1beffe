package dev.ooauthcc;

/** A shared token store failed. libooauthcc 0.2 never reports it (a failing store is skipped); the class exists because the code does. Status {@link OoauthccException#STORE}. */
public class StoreException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(STORE, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
