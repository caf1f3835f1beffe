package dev.ooauthcc;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An access token and what the server said about it: an immutable value copied out of the
 * library's {@code ooauthcc_token}. Its {@link #toString()} never shows the token.
 *
 * <p>Never log {@link #accessToken()}.
 */
public final class Token {
    private final String accessToken;
    private final String tokenType;
    private final long expiresAtMs;
    private final long lifetimeMs;
    private final String scope;
    private final String extraJson;

    /** Copies every field of the native token {@code token} (which stays the caller's). */
    Token(long token) {
        this.accessToken = Native.string(Native.ooauthcc_token_access_token(token));
        this.tokenType = Native.string(Native.ooauthcc_token_token_type(token));
        this.expiresAtMs = Native.ooauthcc_token_expires_at_unix_ms(token);
        this.lifetimeMs = Native.ooauthcc_token_lifetime_ms(token);
        this.scope = Native.string(Native.ooauthcc_token_scope(token));
        this.extraJson = Native.string(Native.ooauthcc_token_extra_json(token));
    }

    /** {@return the access token to send} Never log it. */
    public String accessToken() {
        return accessToken;
    }

    /** {@return the token type: {@code "Bearer"} when the server said {@code bearer} in any case or nothing} */
    public String tokenType() {
        return tokenType;
    }

    /** {@return when the token expires on the wall clock (the server's {@code expires_in} from the request)} */
    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMs);
    }

    /** {@return the lifetime the server granted (or the one assumed when it said none)} */
    public Duration lifetime() {
        return Duration.ofMillis(lifetimeMs);
    }

    /** {@return the scope the server granted, if it sent one} */
    public Optional<String> scope() {
        return Optional.ofNullable(scope);
    }

    /**
     * {@return the other fields of the token response ({@code id_token}, vendor fields, …) as the
     * text of a JSON object, <code>"{}"</code> when there are none}
     */
    public String extraJson() {
        return extraJson;
    }

    /** {@return whether the token is past its real expiry ({@link #expiresAt()}) now} */
    public boolean isExpired() {
        return System.currentTimeMillis() >= expiresAtMs;
    }

    /** Tokens are equal when their access tokens are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Token && ((Token) other).accessToken.equals(accessToken);
    }

    @Override
    public int hashCode() {
        return accessToken.hashCode();
    }

    /** Type, expiry and length of the token; never the token itself. */
    @Override
    public String toString() {
        return "Token[tokenType=" + tokenType
                + ", expiresAt=" + expiresAt()
                + ", scope=" + Objects.toString(scope, "-")
                + ", accessToken=<redacted, " + accessToken.length() + " chars>]";
    }
}
