package dev.ooauthcc;

/** The token endpoint's answer could not be used as a token response (not JSON, no {@code access_token}, too large, …). Status {@link OoauthccException#MALFORMED_RESPONSE}. */
public class MalformedResponseException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    MalformedResponseException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(MALFORMED_RESPONSE, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
