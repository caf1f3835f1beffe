package dev.ooauthcc;

/** The token endpoint answered with an HTTP status that is not an OAuth error (5xx, 429, a redirect, …); see {@link #httpStatus()}. Status {@link OoauthccException#HTTP_STATUS}. */
public class HttpStatusException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    HttpStatusException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(HTTP_STATUS, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
