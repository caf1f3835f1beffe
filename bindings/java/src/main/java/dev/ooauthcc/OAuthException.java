package dev.ooauthcc;

/** The token endpoint answered with an RFC 6749 §5.2 error, e.g. {@code invalid_client} with HTTP 401; see {@link #oauthError()}, {@link #oauthErrorDescription()} and {@link #httpStatus()}. Status {@link OoauthccException#OAUTH}. */
public class OAuthException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    OAuthException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(OAUTH, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
