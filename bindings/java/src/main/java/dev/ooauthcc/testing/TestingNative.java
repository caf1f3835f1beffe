package dev.ooauthcc.testing;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;
import java.nio.charset.StandardCharsets;

/**
 * The functions of libooauthcc_testing used by {@link TestServer}, bound with JNA direct
 * mapping, with the conventions of {@code dev.ooauthcc.Native} (handles as {@code long},
 * {@code **out} as {@code long[1]}, strings as NUL-terminated UTF-8). Not API.
 */
final class TestingNative {
    private TestingNative() {}

    static {
        if (com.sun.jna.Native.POINTER_SIZE != 8) {
            throw new UnsatisfiedLinkError("dev.ooauthcc.testing needs a 64-bit JVM");
        }
        com.sun.jna.Native.register(TestingNative.class, load("ooauthcc_testing"));
    }

    /** As {@code dev.ooauthcc.Native.load}: {@code ooauthcc.lib.dir}, {@code OOAUTHCC_LIB_DIR}, JNA's path. */
    static NativeLibrary load(String name) {
        String dir = System.getProperty("ooauthcc.lib.dir");
        if (dir == null || dir.isEmpty()) {
            dir = System.getenv("OOAUTHCC_LIB_DIR");
        }
        if (dir != null && !dir.isEmpty()) {
            return NativeLibrary.getInstance(new File(dir, System.mapLibraryName(name)).getAbsolutePath());
        }
        return NativeLibrary.getInstance(name);
    }

    static byte[] cstr(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        for (int i = 0; i < utf8.length; i++) {
            if (utf8[i] == 0) {
                throw new IllegalArgumentException(what + " contains a NUL character");
            }
            out[i] = utf8[i];
        }
        return out;
    }

    static String string(long address) {
        return address == 0 ? null : new Pointer(address).getString(0, "UTF-8");
    }

    static native int ooauthcc_test_server_start(long[] out, long[] err);

    static native long ooauthcc_test_server_token_url(long server);

    static native int ooauthcc_test_server_register_client(long server, byte[] clientId, byte[] secret, long[] err);

    static native int ooauthcc_test_server_register_client_with(long server, byte[] clientId, byte[] secret,
            byte[] authMethods, byte[] basicDecoding, byte[] grantType, byte[] allowedScopes, long[] err);

    static native int ooauthcc_test_server_set_token_lifetime_ms(long server, long ms, long[] err);

    static native int ooauthcc_test_server_set_latency_ms(long server, long ms, long[] err);

    static native int ooauthcc_test_server_request_count(long server, byte[] clientId, long[] out, long[] err);

    static native int ooauthcc_test_server_total_requests(long server, long[] out, long[] err);

    static native int ooauthcc_test_server_reset_counts(long server, long[] err);

    static native int ooauthcc_test_server_is_valid_token(long server, byte[] accessToken, byte[] valid, long[] err);

    static native int ooauthcc_test_server_set_fault(long server, int fault, int times, long[] err);

    static native int ooauthcc_test_server_set_fault_status(long server, int status, byte[] retryAfter, int times,
            long[] err);

    static native int ooauthcc_test_server_set_fault_slow_ms(long server, long delayMs, int times, long[] err);

    static native int ooauthcc_test_server_set_fault_oauth_error(long server, int status, byte[] error,
            byte[] description, byte[] uri, int times, long[] err);

    static native int ooauthcc_test_server_set_quirk(long server, byte[] quirk, long[] err);

    static native void ooauthcc_test_server_free(long server);
}
