package dev.ooauthcc;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The functions of libooauthcc used by this package, bound with JNA direct mapping (the
 * fastest way JNA calls C). Not API.
 *
 * <p>Mapping rules: every handle ({@code ooauthcc_client *}, {@code ooauthcc_token *},
 * {@code ooauthcc_error *}, …) is a {@code long} address (the class refuses to load on a JVM
 * whose pointers are not 64 bits); {@code T **out} parameters are a {@code long[1]} that JNA
 * copies back; input strings are NUL-terminated UTF-8 {@code byte[]} (see {@link #cstr});
 * {@code const char *} results are addresses read with {@link #string}; C {@code bool} results
 * are read as {@code byte} (JNA's {@code boolean} would read a 4-byte int); {@code uint16_t} as
 * {@code short}, {@code uint32_t} as {@code int}, {@code uint64_t}/{@code int64_t}/{@code size_t}
 * as {@code long}.
 *
 * <p>The two calls of the hot path ({@code ooauthcc_client_get_token} and {@code
 * ooauthcc_client_cached_token}) take their {@code out} and {@code err} slots as raw addresses in a
 * per-thread {@link Scratch} buffer instead of arrays: JNA copies arrays in and out of every call,
 * while a direct buffer is read by Java without another native call.
 */
final class Native {
    private Native() {}

    /** The library's file name on this platform. */
    static final String LIBRARY_NAME = "ooauthcc";

    static {
        if (com.sun.jna.Native.POINTER_SIZE != 8) {
            throw new UnsatisfiedLinkError("dev.ooauthcc needs a 64-bit JVM");
        }
        com.sun.jna.Native.register(Native.class, load(LIBRARY_NAME));
    }

    /**
     * Loads {@code lib<name>.so}: from the directory in the system property
     * {@code ooauthcc.lib.dir}, else from the environment variable {@code OOAUTHCC_LIB_DIR}, else
     * wherever JNA looks ({@code jna.library.path}, then the system's library path).
     */
    static NativeLibrary load(String name) {
        String dir = System.getProperty("ooauthcc.lib.dir");
        if (dir == null || dir.isEmpty()) {
            dir = System.getenv("OOAUTHCC_LIB_DIR");
        }
        if (dir != null && !dir.isEmpty()) {
            File file = new File(dir, System.mapLibraryName(name));
            return NativeLibrary.getInstance(file.getAbsolutePath());
        }
        return NativeLibrary.getInstance(name);
    }

    /** A Java string as a NUL-terminated UTF-8 C string; refuses an embedded NUL. */
    static byte[] cstr(String s, String what) {
        if (s == null) {
            throw OoauthccException.create(
                    OoauthccException.NULL_ARGUMENT, what + " must not be null", 0, null, null, null, false, 0);
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        for (int i = 0; i < utf8.length; i++) {
            if (utf8[i] == 0) {
                throw OoauthccException.create(
                        OoauthccException.INVALID_ARGUMENT,
                        what + " contains a NUL character",
                        0, null, null, null, false, 0);
            }
            out[i] = utf8[i];
        }
        return out;
    }

    /** Reads a borrowed or static NUL-terminated UTF-8 string; null for address 0. */
    static String string(long address) {
        return address == 0 ? null : new Pointer(address).getString(0, "UTF-8");
    }

    /**
     * 16 bytes of native memory per thread: the {@code out} slot at offset 0, the {@code err} slot
     * at 8. A call writes {@code *out} only on success and {@code *err} only on failure, so each is
     * read only then, and never needs clearing.
     */
    static final class Scratch {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        /** The address of the {@code out} slot. */
        final long out = Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(buffer));
        /** The address of the {@code err} slot. */
        final long err = out + 8;

        long out() {
            return buffer.getLong(0);
        }

        long err() {
            return buffer.getLong(8);
        }
    }

    /** This thread's {@link Scratch}. */
    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // 1. Version
    static native long ooauthcc_version();

    // 2. Status and errors
    static native long ooauthcc_status_name(int status);

    static native int ooauthcc_error_status(long error);

    static native long ooauthcc_error_message(long error);

    static native short ooauthcc_error_http_status(long error);

    static native long ooauthcc_error_oauth_error(long error);

    static native long ooauthcc_error_oauth_error_description(long error);

    static native long ooauthcc_error_oauth_error_uri(long error);

    static native byte ooauthcc_error_is_retryable(long error);

    static native long ooauthcc_error_retry_after_ms(long error);

    static native void ooauthcc_error_free(long error);

    // 3. Config
    static native int ooauthcc_config_from_json(byte[] json, long[] out, long[] err);

    static native void ooauthcc_config_free(long cfg);

    // 4. Client
    static native int ooauthcc_client_new(long cfg, long[] out, long[] err);

    static native void ooauthcc_client_free(long client);

    static native int ooauthcc_client_get_token(long client, long timeoutMs, long out, long err);

    static native int ooauthcc_client_cached_token(long client, long out, long err);

    static native int ooauthcc_client_invalidate(long client, byte[] accessToken, byte[] invalidated, long[] err);

    static native long ooauthcc_client_header_name(long client);

    static native long ooauthcc_client_query_param(long client);

    static native int ooauthcc_client_check_destination(long client, byte[] url, long[] err);

    static native int ooauthcc_client_stat(long client, int which, long[] out, long[] err);

    static native long ooauthcc_stat_name(int which);

    // 5. Token
    static native long ooauthcc_token_access_token(long token);

    static native long ooauthcc_token_token_type(long token);

    static native long ooauthcc_token_expires_at_unix_ms(long token);

    static native long ooauthcc_token_lifetime_ms(long token);

    static native long ooauthcc_token_scope(long token);

    static native long ooauthcc_token_extra_json(long token);

    static native void ooauthcc_token_free(long token);

    // 6. Header
    static native int ooauthcc_client_get_header(long client, long timeoutMs, long[] out, long[] err);

    static native long ooauthcc_header_name(long header);

    static native long ooauthcc_header_value(long header);

    static native long ooauthcc_header_access_token(long header);

    static native void ooauthcc_header_free(long header);
}
