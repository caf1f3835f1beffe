package dev.ooauthcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ooauthcc.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java binding against the bundled authorization server of libooauthcc_testing, over real
 * HTTP on 127.0.0.1. Each test has its own server (so its own token URL and cache entry).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientTest {
    private static final int HERD = 48;
    private static final String ID = "java-svc";
    private static final String SECRET = "java-s3cr3t-value";

    private TestServer server;

    @BeforeEach
    void startServer() {
        server = TestServer.start();
        server.registerClient(ID, SECRET);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private Map<String, Object> settings(String clientId, String secret) {
        Map<String, Object> s = new HashMap<>();
        s.put("token_url", server.tokenUrl());
        s.put("client_id", clientId);
        s.put("client_secret", secret);
        s.put("get_timeout", Duration.ofSeconds(10));
        return s;
    }

    private Map<String, Object> settings() {
        return settings(ID, SECRET);
    }

    /** Runs {@code call} on {@code n} threads released together; returns what each returned or threw. */
    private static List<Object> herd(int n, Supplier<Object> call) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        Object[] results = new Object[n];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    results[index] = call.get();
                } catch (Throwable t) {
                    results[index] = t;
                }
            }, "herd-" + i);
            thread.start();
            threads.add(thread);
        }
        assertTrue(ready.await(10, TimeUnit.SECONDS), "threads started");
        go.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
            assertFalse(thread.isAlive(), thread.getName() + " finished");
        }
        return List.of(results);
    }

    private static Set<String> accessTokens(List<Object> results) {
        Set<String> tokens = new HashSet<>();
        for (Object r : results) {
            if (r instanceof Throwable) {
                throw new AssertionError("a caller failed", (Throwable) r);
            }
            tokens.add(((Token) r).accessToken());
        }
        return tokens;
    }

    // (1) a herd on an empty cache: one request, one token for all.
    @Test
    void herdOnEmptyCacheMakesOneRequest() throws Exception {
        server.setLatency(Duration.ofMillis(200)); // keeps the request in flight while all arrive
        try (Client client = Client.fromMap(settings())) {
            List<Object> results = herd(HERD, client::getToken);
            Set<String> tokens = accessTokens(results);
            assertEquals(1, tokens.size(), "every caller got the same token");
            assertTrue(tokens.iterator().next().startsWith("at_"));
            assertEquals(1, server.requestCount(ID));
            Stats stats = client.stats();
            assertEquals(1, stats.tokenRequests());
            assertEquals(1, stats.fetches());
            assertEquals(HERD, stats.waits() + stats.cacheHits());
            assertTrue(server.isValidToken(tokens.iterator().next()));
        }
    }

    // (2) an expired token: a second herd makes exactly one more request.
    @Test
    void herdOnExpiredTokenMakesOneMoreRequest() throws Exception {
        server.setLatency(Duration.ofMillis(200));
        server.setTokenLifetime(Duration.ofSeconds(2)); // skew capped at half: served for 1 s
        Map<String, Object> s = settings();
        s.put("refresh_ahead", 1.0); // no background refresh: the token must really expire
        s.put("refresh_jitter", 0.0);
        try (Client client = Client.fromMap(s)) {
            Token first = client.getToken();
            assertEquals(1, server.requestCount(ID));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.cachedToken().isPresent()) { // the never-blocking call starts no fetch
                assertTrue(System.nanoTime() < deadline, "the token expired in time");
                Thread.sleep(20);
            }
            assertEquals(1, server.requestCount(ID), "waiting for expiry sent nothing");

            Set<String> tokens = accessTokens(herd(HERD, client::getToken));
            assertEquals(1, tokens.size());
            assertNotEquals(first.accessToken(), tokens.iterator().next());
            assertEquals(2, server.requestCount(ID));
            Stats stats = client.stats();
            assertEquals(2, stats.tokenRequests());
            assertEquals(2, stats.fetches());
            assertEquals(0, stats.backgroundRefreshes());
        }
    }

    // (3) a wrong secret: one request, a typed error with invalid_client and HTTP 401.
    @Test
    void wrongSecretIsOneRequestAndAnOAuthException() throws Exception {
        server.setLatency(Duration.ofMillis(200));
        String wrong = "not-the-secret-" + System.nanoTime();
        Map<String, Object> basicOnly = settings(ID, wrong);
        // Basic only: the default, auto, would ask a refused client a second time with the secret in the body.
        basicOnly.put("auth_method", "client_secret_basic");
        try (Client client = Client.fromMap(basicOnly)) {
            List<Object> results = herd(32, client::getToken);
            for (Object r : results) {
                OAuthException e = assertInstanceOf(OAuthException.class, r);
                assertEquals(OoauthccException.OAUTH, e.status());
                assertEquals("oauth", e.kind());
                assertEquals("invalid_client", e.oauthError());
                assertEquals(401, e.httpStatus());
                assertFalse(e.isRetryable());
                assertFalse(e.getMessage().contains(wrong), "no secret in the message");
                assertFalse(e.toString().contains(wrong));
            }
            assertEquals(1, server.requestCount(ID), "32 callers, one request");
            // A caller right after is answered from the remembered failure.
            OAuthException again = assertThrows(OAuthException.class, client::getToken);
            assertEquals("invalid_client", again.oauthError());
            assertEquals(1, server.requestCount(ID));
            Stats stats = client.stats();
            assertEquals(1, stats.failures());
            assertEquals(1, stats.tokenRequests());
        }
    }

    // (4) the library's statistics through the binding.
    @Test
    void statsCountHitsAndRequests() {
        try (Client client = Client.fromMap(settings())) {
            assertEquals(0, client.stats().tokenRequests());
            for (int i = 0; i < 5; i++) {
                client.getToken();
            }
            Stats stats = client.stats();
            assertEquals(1, stats.tokenRequests());
            assertEquals(1, stats.fetches());
            assertEquals(1, stats.waits());
            assertEquals(4, stats.cacheHits());
            assertEquals(0, stats.failures());
            assertEquals(List.of("token_requests", "cache_hits", "waits", "background_refreshes", "failures",
                    "fetches", "store_hits", "store_waits", "store_errors", "store_rejected"),
                    new ArrayList<>(stats.asMap().keySet()).subList(0, 10));
            assertEquals(4L, stats.asMap().get("cache_hits"));

            // A second client from the same settings shares the cache entry and its counters.
            try (Client twin = Client.fromMap(settings())) {
                assertEquals(client.getToken(), twin.getToken());
                assertEquals(6, twin.stats().cacheHits());
                assertEquals(1, twin.stats().tokenRequests());
            }
            assertEquals(1, server.requestCount(ID));
            assertTrue(client.cachedToken().isPresent());
            assertEquals(6, client.stats().cacheHits(), "cachedToken() is not counted");
        }
    }

    // (5) the printable forms never show the token.
    @Test
    void printableFormsRedactTheToken() {
        try (Client client = Client.fromMap(settings())) {
            Token token = client.getToken();
            String access = token.accessToken();
            assertTrue(access.length() > 8);
            assertFalse(token.toString().contains(access), token.toString());
            assertTrue(token.toString().contains("redacted"));
            assertTrue(token.toString().contains("Bearer"));
            Header header = client.getHeader();
            assertEquals("Authorization", header.name());
            assertEquals("Bearer " + access, header.value());
            assertEquals(access, header.accessToken());
            assertFalse(header.toString().contains(access), header.toString());
            assertFalse(client.toString().contains(access));
            assertFalse(client.toString().contains(SECRET));
            assertFalse(client.stats().toString().contains(access));
        }
    }

    // (6) use after close: a clear error, never a crash; closing twice is harmless.
    @Test
    void useAfterCloseIsAUsageException() {
        Client client = Client.fromMap(settings());
        client.getToken();
        client.close();
        client.close();
        assertTrue(client.isClosed());
        UsageException e = assertThrows(UsageException.class, client::getToken);
        assertEquals(OoauthccException.USAGE, e.status());
        assertEquals("usage", e.kind());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(UsageException.class, client::stats);
        assertThrows(UsageException.class, client::cachedToken);
        assertThrows(UsageException.class, () -> client.invalidate("x"));
        assertThrows(UsageException.class, client::headerName);
        CompletionException async = assertThrows(CompletionException.class, () -> client.getTokenAsync().join());
        assertInstanceOf(UsageException.class, async.getCause());
        assertEquals("Client[closed]", client.toString());
    }

    // A client never closed is freed by the Cleaner once it is garbage; close() frees at once.
    @Test
    void unclosedClientIsFreedWhenGarbage() throws Exception {
        long before = Client.nativeFrees();
        Client.fromMap(settings()).getToken(); // dropped without close()
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Client.nativeFrees() == before) {
            assertTrue(System.nanoTime() < deadline, "the Cleaner freed the client");
            System.gc();
            Thread.sleep(20);
        }
        long afterGc = Client.nativeFrees();
        Client closed = Client.fromMap(settings());
        closed.close();
        assertEquals(afterGc + 1, Client.nativeFrees(), "close() frees the native client");
        closed.close();
        assertEquals(afterGc + 1, Client.nativeFrees(), "a second close frees nothing");
    }

    // Closing while other threads call: each call returns a token or a UsageException.
    @Test
    void closeRacingWithCallsNeverCrashes() throws Exception {
        Client client = Client.fromMap(settings());
        client.getToken();
        AtomicInteger tokens = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        Map<String, Throwable> unexpected = new ConcurrentHashMap<>();
        CountDownLatch running = new CountDownLatch(8);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                running.countDown();
                for (int n = 0; n < 1_000_000; n++) {
                    try {
                        assertNotNull(client.getToken().accessToken());
                        tokens.incrementAndGet();
                    } catch (UsageException e) {
                        closed.incrementAndGet();
                        return;
                    } catch (Throwable e) {
                        unexpected.put(Thread.currentThread().getName(), e);
                        return;
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        running.await();
        Thread.sleep(100);
        client.close();
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertTrue(unexpected.isEmpty(), unexpected.toString());
        assertEquals(8, closed.get(), "every thread saw the close");
        assertTrue(tokens.get() > 0);
    }

    @Test
    void asyncHerdSharesOneRequest() throws Exception {
        server.setLatency(Duration.ofMillis(200));
        try (Client client = Client.fromMap(settings())) {
            List<CompletableFuture<Token>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(client.getTokenAsync());
            }
            Set<String> tokens = new HashSet<>();
            for (CompletableFuture<Token> f : futures) {
                tokens.add(f.get(30, TimeUnit.SECONDS).accessToken());
            }
            assertEquals(1, tokens.size());
            assertEquals(1, server.requestCount(ID));
        }
    }

    @Test
    void tokenFields() {
        server.setTokenLifetime(Duration.ofSeconds(120));
        Map<String, Object> s = settings();
        s.put("scopes", List.of("orders.read", "orders.write"));
        try (Client client = Client.fromMap(s)) {
            Instant before = Instant.now();
            Token token = client.getToken();
            assertEquals("Bearer", token.tokenType());
            assertEquals(Duration.ofSeconds(120), token.lifetime());
            assertTrue(token.expiresAt().isAfter(before.plusSeconds(110)), token.expiresAt().toString());
            assertTrue(token.expiresAt().isBefore(Instant.now().plusSeconds(121)));
            assertFalse(token.isExpired());
            Set<String> granted = Set.of(token.scope().orElseThrow().split(" "));
            assertEquals(Set.of("orders.read", "orders.write"), granted);
            assertEquals("{}", token.extraJson());
            // A cache hit hands out the same Java object: the binding skips copying strings again.
            assertSame(token, client.getToken());
        }
    }

    @Test
    void invalidateIsCompareAndInvalidate() {
        try (Client client = Client.fromMap(settings())) {
            Token first = client.getToken();
            assertTrue(client.invalidate(first));
            assertFalse(client.invalidate(first), "already dropped");
            Token second = client.getToken();
            assertNotEquals(first.accessToken(), second.accessToken());
            assertFalse(client.invalidate(first), "a late report does not drop the newer token");
            assertEquals(second, client.getToken());
            assertEquals(2, server.requestCount(ID));
            assertThrows(InvalidArgumentException.class, () -> client.invalidate("a\0b"));
            assertThrows(NullArgumentException.class, () -> client.invalidate((String) null));
        }
    }

    @Test
    void timeoutIsATokenTimeoutException() {
        server.setFaultSlow(Duration.ofSeconds(3), 1);
        Map<String, Object> s = settings();
        s.put("request_timeout", 10);
        try (Client client = Client.fromMap(s)) {
            TokenTimeoutException e = assertThrows(TokenTimeoutException.class,
                    () -> client.getToken(Duration.ofMillis(200)));
            assertEquals(OoauthccException.TIMEOUT, e.status());
            assertEquals("timeout", e.kind());
            assertThrows(InvalidArgumentException.class, () -> client.getToken(Duration.ZERO));
        }
    }

    @Test
    void errorKindsMapToTheirClasses() {
        Map<String, Object> s = settings();
        s.put("max_retries", 0);

        server.setFaultStatus(503, "", 0);
        try (Client client = Client.fromMap(s)) {
            HttpStatusException e = assertThrows(HttpStatusException.class, client::getToken);
            assertEquals(503, e.httpStatus());
            assertEquals("http_status", e.kind());
            assertTrue(e.isRetryable());
        }
        server.setFault(TestServer.Fault.NON_JSON, 0);
        s.put("client_id", "java-malformed");
        server.registerClient("java-malformed", SECRET);
        try (Client client = Client.fromMap(s)) {
            MalformedResponseException e = assertThrows(MalformedResponseException.class, client::getToken);
            assertEquals(OoauthccException.MALFORMED_RESPONSE, e.status());
        }
        server.setFault(TestServer.Fault.NONE, 0);
        server.setFaultOAuthError(400, "invalid_scope", "no such scope", "", 1);
        s.put("client_id", "java-scope");
        server.registerClient("java-scope", SECRET);
        try (Client client = Client.fromMap(s)) {
            OAuthException e = assertThrows(OAuthException.class, client::getToken);
            assertEquals("invalid_scope", e.oauthError());
            assertEquals("no such scope", e.oauthErrorDescription());
            assertEquals(400, e.httpStatus());
        }

        // Nothing listens on the port of a stopped server.
        TestServer gone = TestServer.start();
        String url = gone.tokenUrl();
        gone.close();
        Map<String, Object> t = settings();
        t.put("token_url", url);
        t.put("max_retries", 0);
        try (Client client = Client.fromMap(t)) {
            TransportException e = assertThrows(TransportException.class, client::getToken);
            assertEquals("transport", e.kind());
            assertEquals(0, e.httpStatus());
        }
    }

    @Test
    void badSettingsAreConfigExceptionsNamingTheSetting() {
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> Client.fromJson("{\"client_idd\": \"x\"}"));
        assertTrue(unknown.getMessage().contains("client_idd"), unknown.getMessage());
        assertEquals(OoauthccException.CONFIG, unknown.status());

        Map<String, Object> s = settings();
        s.put("refresh_ahead", 7.5);
        ConfigException range = assertThrows(ConfigException.class, () -> Client.fromMap(s));
        assertTrue(range.getMessage().contains("refresh_ahead"), range.getMessage());
        assertFalse(range.getMessage().contains(SECRET));

        assertThrows(ConfigException.class, () -> Client.fromJson("not json"));
        Map<String, Object> odd = settings();
        odd.put("scopes", new Object());
        ConfigException type = assertThrows(ConfigException.class, () -> Client.fromMap(odd));
        assertTrue(type.getMessage().contains("scopes"), type.getMessage());
        assertThrows(NullArgumentException.class, () -> Client.fromJson(null));
    }

    // The JSON writer end to end: a client id and a secret full of characters JSON must escape
    // reach the server intact (it counts requests by the id it decoded, and checks the secret).
    @Test
    void settingsWithCharactersJsonMustEscapeReachTheServer() {
        String id = "q\"b\\s/-é-€-\uD83D\uDE00 x"; // client_id refuses control characters
        String secret = "s\"e\\c/\n\r\t\b\f\u0001\u001f\u007f-ü-\uD83D\uDE00";
        server.registerClient(id, secret);
        try (Client client = Client.fromMap(settings(id, secret))) {
            assertTrue(server.isValidToken(client.getToken().accessToken()));
        }
        assertEquals(1, server.requestCount(id));
        assertEquals(0, server.requestCount(ID));
        // The same secret with one character less is refused: the comparison is real.
        try (Client client = Client.fromMap(settings(id, secret.substring(1)))) {
            assertEquals("invalid_client", assertThrows(OAuthException.class, client::getToken).oauthError());
        }
    }

    @Test
    void destinationsAndHeaderSettings() {
        Map<String, Object> s = settings();
        s.put("allowed_hosts", List.of("api.example.com"));
        s.put("header_name", "X-Token");
        s.put("token_prefix", "Token");
        try (Client client = Client.fromMap(s)) {
            client.checkDestination("https://api.example.com/orders");
            UsageException e = assertThrows(UsageException.class,
                    () -> client.checkDestination("https://evil.example.net/"));
            assertEquals(OoauthccException.USAGE, e.status());
            assertThrows(InvalidArgumentException.class, () -> client.checkDestination("not a url"));
            assertEquals("X-Token", client.headerName());
            assertTrue(client.queryParam().isEmpty());
            Header header = client.getHeader();
            assertEquals("X-Token", header.name());
            assertEquals("Token " + header.accessToken(), header.value());
        }
    }

    @Test
    void versionAndStatusNames() {
        assertTrue(Ooauthcc.version().matches("\\d+\\.\\d+\\.\\d+.*"), Ooauthcc.version());
        assertEquals("oauth", Ooauthcc.statusName(13));
        assertEquals("unknown", Ooauthcc.statusName(12345));
    }
}
