package dev.ooauthcc.testing;

import dev.ooauthcc.OoauthccException;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The bundled OAuth 2.0 authorization server of libooauthcc_testing, FOR TESTS: a real
 * client-credentials token endpoint on 127.0.0.1 (HTTP/1.1, its own thread, no network, no
 * account) that counts requests per client id and can be made slow, short-lived or faulty.
 *
 * <pre>{@code
 * try (TestServer server = TestServer.start()) {
 *     server.registerClient("svc", "s3cr3t");
 *     try (Client client = Client.fromMap(Map.of("token_url", server.tokenUrl(),
 *             "client_id", "svc", "client_secret", "s3cr3t"))) {
 *         client.getToken();
 *         assert server.requestCount("svc") == 1;
 *     }
 * }
 * }</pre>
 *
 * <p>Lives in libooauthcc_testing, never in libooauthcc: production code does not load this class.
 * Thread-safe; {@link #close()} stops the server (after the calls in progress) and is idempotent,
 * and a server never closed is stopped when it is garbage. Errors are {@link OoauthccException}s.
 */
public final class TestServer implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** A misbehaviour of the server, for {@link #setFault(Fault, int)} ({@code ooauthcc_test_fault}). */
    public enum Fault {
        /** Normal service. */
        NONE,
        /** 500 with a plain-text body (retried by the client first). */
        SERVER_ERROR,
        /** 429 without {@code Retry-After} (retried first). */
        TOO_MANY_REQUESTS,
        /** 200 whose body is not JSON. */
        NON_JSON,
        /** 200 with an empty body. */
        EMPTY_BODY,
        /** 200 carrying an OAuth error ({@code invalid_request}). */
        ERROR_IN_200,
        /** 200 cut off mid-body (retried first). */
        CLOSE_MID_BODY,
        /** 200 with a 2 MiB body. */
        OVERSIZED,
        /** 200 whose {@code access_token} is not UTF-8. */
        INVALID_UTF8,
        /** 200 whose body is 100 000 {@code [}. */
        DEEPLY_NESTED
    }

    private final Handle handle;
    private final Cleaner.Cleanable cleanable;
    private final String tokenUrl;

    private TestServer(long server) {
        this.handle = new Handle(server);
        this.cleanable = CLEANER.register(this, handle::close);
        this.tokenUrl = TestingNative.string(TestingNative.ooauthcc_test_server_token_url(server));
    }

    /** {@return a server started on 127.0.0.1 on a free port} */
    public static TestServer start() {
        long[] out = new long[1];
        long[] err = new long[1];
        check(TestingNative.ooauthcc_test_server_start(out, err), err);
        return new TestServer(out[0]);
    }

    /** {@return the token endpoint, {@code http://127.0.0.1:PORT/token}} */
    public String tokenUrl() {
        return tokenUrl;
    }

    /**
     * Registers a client that may authenticate with {@code client_secret_basic} or {@code
     * client_secret_post} and ask for any scope; replaces one with the same id.
     *
     * @param clientId the client id
     * @param clientSecret its secret
     */
    public void registerClient(String clientId, String clientSecret) {
        byte[] id = TestingNative.cstr(clientId, "clientId");
        byte[] secret = TestingNative.cstr(clientSecret, "clientSecret");
        call(err -> TestingNative.ooauthcc_test_server_register_client(handle.server, id, secret, err));
    }

    /**
     * Registers a client with a choice of authentication methods ({@code "any"}, {@code "basic"},
     * {@code "post"}, {@code "none"}, {@code "client_secret_jwt"}), Basic decoding ({@code
     * "form_urlencoded"}, {@code "raw"}), grant type and allowed scopes (space-separated); the
     * empty string means the default.
     *
     * @param clientId the client id
     * @param clientSecret its secret
     * @param authMethods how it may authenticate
     * @param basicDecoding how its HTTP Basic header is decoded
     * @param grantType the {@code grant_type} it must send
     * @param allowedScopes the scopes it may ask for
     */
    public void registerClient(String clientId, String clientSecret, String authMethods, String basicDecoding,
            String grantType, String allowedScopes) {
        byte[] id = TestingNative.cstr(clientId, "clientId");
        byte[] secret = TestingNative.cstr(clientSecret, "clientSecret");
        byte[] methods = TestingNative.cstr(authMethods, "authMethods");
        byte[] decoding = TestingNative.cstr(basicDecoding, "basicDecoding");
        byte[] grant = TestingNative.cstr(grantType, "grantType");
        byte[] scopes = TestingNative.cstr(allowedScopes, "allowedScopes");
        call(err -> TestingNative.ooauthcc_test_server_register_client_with(
                handle.server, id, secret, methods, decoding, grant, scopes, err));
    }

    /**
     * Sets the lifetime of tokens issued from now on (default one hour).
     *
     * @param lifetime the lifetime ({@code expires_in} is its whole seconds)
     */
    public void setTokenLifetime(Duration lifetime) {
        long ms = lifetime.toMillis();
        call(err -> TestingNative.ooauthcc_test_server_set_token_lifetime_ms(handle.server, ms, err));
    }

    /**
     * Sets a delay before every token response, so concurrent callers pile up behind one request.
     *
     * @param latency the delay
     */
    public void setLatency(Duration latency) {
        long ms = latency.toMillis();
        call(err -> TestingNative.ooauthcc_test_server_set_latency_ms(handle.server, ms, err));
    }

    /**
     * {@return how many token requests named {@code clientId} (whatever their outcome) since the start}
     *
     * @param clientId the client id
     */
    public long requestCount(String clientId) {
        byte[] id = TestingNative.cstr(clientId, "clientId");
        long[] out = new long[1];
        call(err -> TestingNative.ooauthcc_test_server_request_count(handle.server, id, out, err));
        return out[0];
    }

    /** {@return how many requests reached the token endpoint in all since the start} */
    public long totalRequests() {
        long[] out = new long[1];
        call(err -> TestingNative.ooauthcc_test_server_total_requests(handle.server, out, err));
        return out[0];
    }

    /** Zeroes the request counters; tokens already issued stay valid. */
    public void resetCounts() {
        call(err -> TestingNative.ooauthcc_test_server_reset_counts(handle.server, err));
    }

    /**
     * {@return whether this server issued {@code accessToken} and it has not expired} A resource
     * server's check.
     *
     * @param accessToken the token to check
     */
    public boolean isValidToken(String accessToken) {
        byte[] token = TestingNative.cstr(accessToken, "accessToken");
        byte[] valid = new byte[1];
        call(err -> TestingNative.ooauthcc_test_server_is_valid_token(handle.server, token, valid, err));
        return valid[0] != 0;
    }

    /**
     * Makes the next {@code times} token requests fail with {@code fault}.
     *
     * @param fault the misbehaviour ({@link Fault#NONE} restores normal service)
     * @param times how many requests, 0 for all until cleared
     */
    public void setFault(Fault fault, int times) {
        int which = fault.ordinal();
        call(err -> TestingNative.ooauthcc_test_server_set_fault(handle.server, which, times, err));
    }

    /**
     * Answers the next {@code times} token requests (0: until cleared) with HTTP {@code status}, and
     * a {@code Retry-After} header set to {@code retryAfter} unless empty (429 and 503 only).
     *
     * @param status the HTTP status, 100 to 999
     * @param retryAfter the {@code Retry-After} value, or the empty string
     * @param times how many requests, 0 for all until cleared
     */
    public void setFaultStatus(int status, String retryAfter, int times) {
        byte[] after = TestingNative.cstr(retryAfter, "retryAfter");
        call(err -> TestingNative.ooauthcc_test_server_set_fault_status(handle.server, status, after, times, err));
    }

    /**
     * Waits {@code delay} before answering the next {@code times} token requests normally.
     *
     * @param delay the delay
     * @param times how many requests, 0 for all until cleared
     */
    public void setFaultSlow(Duration delay, int times) {
        long ms = delay.toMillis();
        call(err -> TestingNative.ooauthcc_test_server_set_fault_slow_ms(handle.server, ms, times, err));
    }

    /**
     * Answers the next {@code times} token requests (0: until cleared) with an RFC 6749 §5.2 error
     * body.
     *
     * @param status the HTTP status, 100 to 999
     * @param error the {@code error} code, e.g. {@code "invalid_client"}
     * @param description the {@code error_description}, or the empty string
     * @param uri the {@code error_uri}, or the empty string
     * @param times how many requests, 0 for all until cleared
     */
    public void setFaultOAuthError(int status, String error, String description, String uri, int times) {
        byte[] e = TestingNative.cstr(error, "error");
        byte[] d = TestingNative.cstr(description, "description");
        byte[] u = TestingNative.cstr(uri, "uri");
        call(err -> TestingNative.ooauthcc_test_server_set_fault_oauth_error(handle.server, status, e, d, u, times, err));
    }

    /**
     * Shapes successful responses like a real provider's: {@code "none"}, {@code
     * "string_expires_in"}, {@code "missing_expires_in"}, {@code "nested_token"}, {@code
     * "form_encoded"}, {@code "uppercase_bearer"}, {@code "missing_token_type"}, {@code
     * "jwt_access_token"}, {@code "extra_fields"}.
     *
     * @param quirk the name of the shape
     */
    public void setQuirk(String quirk) {
        byte[] q = TestingNative.cstr(quirk, "quirk");
        call(err -> TestingNative.ooauthcc_test_server_set_quirk(handle.server, q, err));
    }

    /** Stops the server (requests in flight are cut off) and frees it; closing again does nothing. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "TestServer[" + tokenUrl + (handle.closed ? ", closed]" : "]");
    }

    private interface NativeCall {
        int run(long[] err);
    }

    private void call(NativeCall call) {
        handle.lock.readLock().lock();
        try {
            if (handle.closed) {
                throw new IllegalStateException("this TestServer is closed");
            }
            long[] err = new long[1];
            check(call.run(err), err);
        } finally {
            handle.lock.readLock().unlock();
        }
    }

    private static void check(int status, long[] err) {
        if (status != 0) {
            throw OoauthccException.fromNativeError(status, err[0]);
        }
    }

    /** The native server; freed once, never under a call in progress. Does not refer to the TestServer. */
    private static final class Handle {
        final long server;
        final ReadWriteLock lock = new ReentrantReadWriteLock();
        volatile boolean closed;

        Handle(long server) {
            this.server = server;
        }

        void close() {
            lock.writeLock().lock();
            try {
                if (!closed) {
                    closed = true;
                    TestingNative.ooauthcc_test_server_free(server);
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
    }
}
