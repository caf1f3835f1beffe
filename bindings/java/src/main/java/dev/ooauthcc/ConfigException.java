package dev.ooauthcc;

/** A setting is invalid (the message names it), or a credential read at request time (a secret file, environment variable) is missing or unusable. Status {@link OoauthccException#CONFIG}. */
public class ConfigException extends OoauthccException {
    private static final long serialVersionUID = 1L;

    ConfigException(String message, int httpStatus, String oauthError, String oauthErrorDescription,
            String oauthErrorUri, boolean retryable, long retryAfterMs) {
        super(CONFIG, message, httpStatus, oauthError, oauthErrorDescription, oauthErrorUri, retryable, retryAfterMs);
    }
}
