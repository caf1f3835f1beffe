package dev.ooauthcc;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * Gets OAuth 2.0 client-credentials tokens for one configuration, through libooauthcc: from the
 * cache when it holds a fresh one, otherwise from ONE request to the token endpoint shared by
 * every caller waiting at that moment (in every thread, and every client built from the same
 * settings in this process). Tokens are renewed in the background before they expire.
 *
 * <pre>{@code
 * try (Client client = Client.fromMap(Map.of(
 *         "token_url", "https://idp.example.com/oauth2/token",
 *         "client_id", "my-service",
 *         "client_secret", secret,
 *         "scopes", List.of("orders.read")))) {
 *     Token token = client.getToken();
 *     request.header("Authorization", "Bearer " + token.accessToken());
 * }
 * }</pre>
 *
 * <p>Thread-safe: share one client between all threads. {@link #close()} frees the native client
 * (after the calls in progress end; later calls throw {@link UsageException}); closing twice is
 * harmless, and a client that is never closed is freed once it is garbage (by a {@link Cleaner}).
 */
public final class Client implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    /** How many native clients this class has freed (by close or by the Cleaner), for tests. */
    private static final AtomicLong NATIVE_FREES = new AtomicLong();

    /** {@code OOAUTHCC_TIMEOUT_CONFIGURED}: wait the config's {@code get_timeout}. */
    private static final long TIMEOUT_CONFIGURED = 0L;
    /** {@code OOAUTHCC_TIMEOUT_FOREVER} ({@code UINT64_MAX}). */
    private static final long TIMEOUT_FOREVER = -1L;

    private final State state;
    private final Cleaner.Cleanable cleanable;

    private Client(long handle) {
        this.state = new State(handle);
        this.cleanable = CLEANER.register(this, state::close);
    }

    /**
     * Builds a client from a JSON settings document: an object whose fields are the settings of
     * the README's settings table ({@code token_url}, {@code client_id}, {@code client_secret},
     * {@code scopes}, {@code get_timeout}, …; durations in seconds, fractions allowed). Every
     * setting is checked; nothing is sent and no thread is started.
     *
     * @param json the settings document (it may hold the secret: the binding wipes its own
     *     encoded copy after the call)
     * @return a new client, to {@link #close()}
     * @throws ConfigException naming the first bad or unknown setting
     */
    public static Client fromJson(String json) {
        byte[] doc = Native.cstr(json, "json");
        long[] out = new long[1];
        long[] err = new long[1];
        try {
            int status = Native.ooauthcc_config_from_json(doc, out, err);
            if (status != 0) {
                throw OoauthccException.fromNativeError(status, err[0]);
            }
        } finally {
            Arrays.fill(doc, (byte) 0); // it may hold the secret
        }
        long cfg = out[0];
        try {
            int status = Native.ooauthcc_client_new(cfg, out, err);
            if (status != 0) {
                throw OoauthccException.fromNativeError(status, err[0]);
            }
            return new Client(out[0]);
        } finally {
            Native.ooauthcc_config_free(cfg);
        }
    }

    /**
     * Builds a client from settings by name, as {@link #fromJson(String)} (the map is written as
     * that JSON document). Values: strings, numbers, booleans, lists or arrays (e.g. {@code
     * scopes}), maps (e.g. {@code extra_params}), {@link Duration}s (for the duration settings),
     * {@link java.nio.file.Path}s.
     *
     * @param settings the settings by name, e.g. {@code "token_url"}
     * @return a new client, to {@link #close()}
     * @throws ConfigException naming the first bad or unknown setting, or a value of a type that
     *     has no JSON form
     */
    public static Client fromMap(Map<String, ?> settings) {
        if (settings == null) {
            throw OoauthccException.of(OoauthccException.NULL_ARGUMENT, "settings must not be null");
        }
        return fromJson(Json.write(settings));
    }

    /**
     * Gets a valid token, blocking until there is one or the config's {@code get_timeout} (default
     * 30 s) has passed. A fresh cached token is returned at once; otherwise all callers waiting at
     * the same time share one request. A failure is remembered briefly (with backoff), so callers
     * retrying in a loop do not flood the server.
     *
     * @return the token
     * @throws OAuthException the server refused (e.g. {@code invalid_client}, HTTP 401)
     * @throws TransportException the token endpoint could not be reached
     * @throws TokenTimeoutException no token within the timeout
     * @throws HttpStatusException 5xx, 429, a redirect, …
     * @throws MalformedResponseException the answer is not a token response
     * @throws UsageException the client is closed
     */
    public Token getToken() {
        return token(TIMEOUT_CONFIGURED);
    }

    /**
     * As {@link #getToken()}, waiting at most {@code timeout} (giving up never cancels the request
     * for the other callers). A timeout longer than {@link Long#MAX_VALUE} milliseconds waits as
     * long as the fetch takes.
     *
     * @param timeout how long to wait at most
     * @return the token
     * @throws InvalidArgumentException when {@code timeout} is not positive (use {@link
     *     #cachedToken()} for a call that never waits)
     */
    public Token getToken(Duration timeout) {
        return token(timeoutMs(timeout));
    }

    /**
     * Gets a token on {@code executor} ({@link #getToken()} there): for callers that must not
     * block. The future completes exceptionally with the {@link OoauthccException} of the
     * failure (wrapped in a {@link java.util.concurrent.CompletionException} by {@code join()}).
     *
     * @param executor where the blocking call runs
     * @return the future token
     */
    public CompletableFuture<Token> getTokenAsync(Executor executor) {
        return CompletableFuture.supplyAsync(this::getToken, executor);
    }

    /**
     * {@link #getTokenAsync(Executor)} on a shared pool of daemon threads made for blocking calls
     * (not the common fork-join pool, which blocking calls would starve).
     *
     * @return the future token
     */
    public CompletableFuture<Token> getTokenAsync() {
        return getTokenAsync(AsyncPool.EXECUTOR);
    }

    /**
     * The token the cache holds, if it may still be served, without ever blocking: no request,
     * no wait, no renewal, not counted in the statistics. To fetch or renew one, call {@link
     * #getToken()}.
     *
     * @return the cached token, or empty when the cache has none to serve
     */
    public Optional<Token> cachedToken() {
        Native.Scratch slots = Native.SCRATCH.get();
        State s = state.acquire();
        try {
            State.Hot hot = s.hot;
            int status = Native.ooauthcc_client_cached_token(s.handle, slots.out, slots.err);
            if (status != 0) {
                throw OoauthccException.fromNativeError(status, slots.err());
            }
            long token = slots.out();
            return token == 0 ? Optional.empty() : Optional.of(s.adopt(token, hot));
        } finally {
            s.release();
        }
    }

    /**
     * Gets a token as {@link #getToken()} does and formats it as the header to send (name and
     * value, with the configured {@code header_name} and {@code token_prefix}).
     *
     * @return the header
     */
    public Header getHeader() {
        long[] out = new long[1];
        long[] err = new long[1];
        State s = state.acquire();
        try {
            int status = Native.ooauthcc_client_get_header(s.handle, TIMEOUT_CONFIGURED, out, err);
            if (status != 0) {
                throw OoauthccException.fromNativeError(status, err[0]);
            }
            try {
                return new Header(out[0]);
            } finally {
                Native.ooauthcc_header_free(out[0]);
            }
        } finally {
            s.release();
        }
    }

    /**
     * Compare-and-invalidate, after a resource server rejected {@code token} with 401: drops the
     * cached token only if it is this one, so that many callers reporting the same token cause one
     * new request and a late report never drops a newer token.
     *
     * @param token the token the resource server rejected
     * @return whether this call dropped the cached token
     */
    public boolean invalidate(Token token) {
        if (token == null) {
            throw OoauthccException.of(OoauthccException.NULL_ARGUMENT, "token must not be null");
        }
        return invalidate(token.accessToken());
    }

    /**
     * {@link #invalidate(Token)} by the access token string (e.g. {@link Header#accessToken()}).
     *
     * @param accessToken the access token the resource server rejected
     * @return whether this call dropped the cached token
     */
    public boolean invalidate(String accessToken) {
        byte[] value = Native.cstr(accessToken, "accessToken");
        byte[] invalidated = new byte[1];
        long[] err = new long[1];
        State s = state.acquire();
        try {
            int status = Native.ooauthcc_client_invalidate(s.handle, value, invalidated, err);
            if (status != 0) {
                throw OoauthccException.fromNativeError(status, err[0]);
            }
            return invalidated[0] != 0;
        } finally {
            s.release();
            Arrays.fill(value, (byte) 0);
        }
    }

    /** {@return the counters of the cache entry this client shares (token requests, cache hits, …)} */
    public Stats stats() {
        List<String> names = StatNames.NAMES;
        Map<String, Long> counters = new LinkedHashMap<>();
        long[] out = new long[1];
        long[] err = new long[1];
        State s = state.acquire();
        try {
            for (int i = 0; i < names.size(); i++) {
                int status = Native.ooauthcc_client_stat(s.handle, i, out, err);
                if (status != 0) {
                    throw OoauthccException.fromNativeError(status, err[0]);
                }
                counters.put(names.get(i), out[0]);
            }
        } finally {
            s.release();
        }
        return new Stats(counters);
    }

    /** {@return the header that carries the token ({@code header_name}, default {@code Authorization})} */
    public String headerName() {
        State s = state.acquire();
        try {
            return Native.string(Native.ooauthcc_client_header_name(s.handle));
        } finally {
            s.release();
        }
    }

    /** {@return the query parameter the token is to be sent in, when the settings chose {@code query_param}} */
    public Optional<String> queryParam() {
        State s = state.acquire();
        try {
            return Optional.ofNullable(Native.string(Native.ooauthcc_client_query_param(s.handle)));
        } finally {
            s.release();
        }
    }

    /**
     * Checks that a token of this client may be sent to {@code url}: its host is in {@code
     * allowed_hosts} (any host when empty) and plain {@code http} goes only to loopback hosts.
     *
     * @param url where the token would be sent
     * @throws UsageException when it may not
     * @throws InvalidArgumentException when {@code url} is not an absolute URL
     */
    public void checkDestination(String url) {
        byte[] value = Native.cstr(url, "url");
        long[] err = new long[1];
        State s = state.acquire();
        try {
            int status = Native.ooauthcc_client_check_destination(s.handle, value, err);
            if (status != 0) {
                throw OoauthccException.fromNativeError(status, err[0]);
            }
        } finally {
            s.release();
        }
    }

    /** {@return whether {@link #close()} was called (or the client was cleaned)} */
    public boolean isClosed() {
        return state.closed.get();
    }

    /**
     * Frees the native client once the calls in progress have returned; later calls throw {@link
     * UsageException}. Tokens already obtained stay valid, and the shared cache keeps the token
     * for other clients. Closing again does nothing.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return isClosed() ? "Client[closed]" : "Client[open]";
    }

    /** How many native clients were freed so far in this JVM (a test hook). */
    static long nativeFrees() {
        return NATIVE_FREES.get();
    }

    private Token token(long timeoutMs) {
        Native.Scratch slots = Native.SCRATCH.get();
        State s = state.acquire();
        try {
            State.Hot hot = s.hot;
            int status = Native.ooauthcc_client_get_token(s.handle, timeoutMs, slots.out, slots.err);
            if (status != 0) {
                throw OoauthccException.fromNativeError(status, slots.err());
            }
            return s.adopt(slots.out(), hot);
        } finally {
            s.release();
        }
    }

    private static long timeoutMs(Duration timeout) {
        if (timeout == null) {
            throw OoauthccException.of(OoauthccException.NULL_ARGUMENT, "timeout must not be null");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw OoauthccException.of(OoauthccException.INVALID_ARGUMENT,
                    "timeout must be positive (cachedToken() never waits)");
        }
        try {
            return Math.max(1, timeout.toMillis());
        } catch (ArithmeticException tooLong) {
            return TIMEOUT_FOREVER;
        }
    }

    /**
     * The native client and who is using it. Shared with the {@link Cleaner} action, so it must
     * not refer to the {@link Client}.
     *
     * <p>{@code users} counts the calls in progress; {@link #CLOSED} is added to it once, by
     * {@link #close()}. The handle is freed, exactly once, when the count is {@code CLOSED} with no
     * user: by {@code close()} when no call is running, else by the last call to return. So a
     * close racing with calls on other threads never frees the client under them.
     *
     * <p>{@link #hot} keeps one reference to the last token handed out, with its Java copy: when
     * the library answers with that same token object again (a cache hit), the copy is returned
     * instead of reading the strings anew. Holding the reference guarantees its address is not
     * reused for another token while it is the one compared against.
     */
    private static final class State {
        private static final long CLOSED = 1L << 62;
        private static final AtomicReferenceFieldUpdater<State, Hot> HOT =
                AtomicReferenceFieldUpdater.newUpdater(State.class, Hot.class, "hot");

        final long handle;
        final AtomicLong users = new AtomicLong();
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicBoolean freed = new AtomicBoolean();
        volatile Hot hot;

        static final class Hot {
            final long address;
            final Token token;

            Hot(long address, Token token) {
                this.address = address;
                this.token = token;
            }
        }

        State(long handle) {
            this.handle = handle;
        }

        State acquire() {
            if (users.getAndIncrement() >= CLOSED) {
                release();
                throw OoauthccException.of(OoauthccException.USAGE, "this ooauthcc Client is closed");
            }
            return this;
        }

        void release() {
            if (users.decrementAndGet() == CLOSED) {
                free();
            }
        }

        void close() {
            if (closed.compareAndSet(false, true) && users.addAndGet(CLOSED) == CLOSED) {
                free();
            }
        }

        private void free() {
            if (freed.compareAndSet(false, true)) {
                Native.ooauthcc_client_free(handle);
                NATIVE_FREES.incrementAndGet();
                Hot last = HOT.getAndSet(this, null);
                if (last != null) {
                    Native.ooauthcc_token_free(last.address);
                }
            }
        }

        /**
         * The Java token of the native token reference {@code token} (which this method owns):
         * {@code seen}'s copy when it is the same object, else a new copy, kept as the hot one.
         * {@code seen} must have been read before the call that returned {@code token}.
         */
        Token adopt(long token, Hot seen) {
            // If `seen` is still the hot entry, its reference was alive during the call, so an
            // equal address is the same token object.
            if (seen != null && token == seen.address && hot == seen) {
                Native.ooauthcc_token_free(token);
                return seen.token;
            }
            Token copy;
            try {
                copy = new Token(token);
            } catch (RuntimeException | Error e) {
                Native.ooauthcc_token_free(token);
                throw e;
            }
            Hot next = new Hot(token, copy);
            Hot current = hot;
            if (HOT.compareAndSet(this, current, next)) {
                if (current != null) {
                    Native.ooauthcc_token_free(current.address);
                }
            } else {
                Native.ooauthcc_token_free(token); // another thread installed one meanwhile
            }
            return copy;
        }
    }

    /** The names of the counters of the loaded library, read once. */
    private static final class StatNames {
        static final List<String> NAMES;

        static {
            List<String> names = new ArrayList<>();
            for (int i = 0; ; i++) {
                String name = Native.string(Native.ooauthcc_stat_name(i));
                if (name == null) {
                    break;
                }
                names.add(name);
            }
            NAMES = List.copyOf(names);
        }
    }

    /** The default executor of {@link #getTokenAsync()}: daemon threads, created on demand. */
    private static final class AsyncPool {
        private static final AtomicInteger COUNT = new AtomicInteger();
        static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "ooauthcc-async-" + COUNT.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
