package dev.ooauthcc;

/** Facts about the loaded libooauthcc. */
public final class Ooauthcc {
    private Ooauthcc() {}

    /** {@return the version of the libooauthcc loaded, e.g. {@code "0.2.0"} ({@code ooauthcc_version})} */
    public static String version() {
        return Native.string(Native.ooauthcc_version());
    }

    /**
     * The short name of a status code ({@code ooauthcc_status_name}).
     *
     * @param status an {@code ooauthcc_status} code
     * @return e.g. {@code "oauth"} for 13, {@code "unknown"} for a number that is not a status
     */
    public static String statusName(int status) {
        return Native.string(Native.ooauthcc_status_name(status));
    }
}
