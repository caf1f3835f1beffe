package dev.ooauthcc;

/** The token endpoint could not be reached (DNS, connect, TLS, reset, a body cut off). Status {@link OoauthccException#TRANSPORT}. */
public class TransportException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    TransportException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(TRANSPORT, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
