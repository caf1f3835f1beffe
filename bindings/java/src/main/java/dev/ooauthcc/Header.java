package dev.ooauthcc;

/**
 * A token formatted as the HTTP header to send: {@link #name()} ({@code Authorization} unless
 * configured otherwise) and {@link #value()} ({@code Bearer <token>}, or the configured prefix).
 * Its {@link #toString()} never shows the token.
 */
public final class Header {
    private final String name;
    private final String value;
    private final String accessToken;

    Header(long header) {
        this.name = Native.string(Native.ooauthcc_header_name(header));
        this.value = Native.string(Native.ooauthcc_header_value(header));
        this.accessToken = Native.string(Native.ooauthcc_header_access_token(header));
    }

    /** {@return the header name, e.g. {@code "Authorization"}} */
    public String name() {
        return name;
    }

    /** {@return the header value, e.g. {@code "Bearer eyJ…"}} Never log it. */
    public String value() {
        return value;
    }

    /** {@return the bare access token in the value, for {@link Client#invalidate(String)} after a 401} */
    public String accessToken() {
        return accessToken;
    }

    /** The header name only; the value is redacted. */
    @Override
    public String toString() {
        return "Header[" + name + ": <redacted>]";
    }
}
