package dev.ooauthcc.bench;

import dev.ooauthcc.Client;
import dev.ooauthcc.Ooauthcc;
import dev.ooauthcc.Token;
import dev.ooauthcc.testing.TestServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Map;

/**
 * The cached-token call through the binding ({@code client.getToken()} after a first fetch) beside
 * the floor of the same mechanism: {@code Ooauthcc.version()}, a JNA direct-mapped call into
 * libooauthcc returning a C string read as a Java String. Both run in the same JVM, interleaved in
 * rounds after a warm-up (for the JIT); the median round is reported, in wall-clock time and in
 * the thread's CPU time (which a busy machine's preemptions do not inflate).
 */
public final class Bench {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static long sink;

    /** One round: {wall ns per call, CPU ns per call}. */
    private static double[] round(int n, Runnable body) {
        long cpu = MX.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        for (int i = 0; i < n; i++) {
            body.run();
        }
        return new double[] {(System.nanoTime() - wall) / (double) n, (MX.getCurrentThreadCpuTime() - cpu) / (double) n};
    }

    private static double median(double[][] rounds, int column) {
        double[] xs = Arrays.stream(rounds).mapToDouble(r -> r[column]).sorted().toArray();
        return xs[xs.length / 2];
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        try (TestServer server = TestServer.start()) {
            server.registerClient("bench", "bench-secret");
            try (Client client = Client.fromMap(Map.of(
                    "token_url", server.tokenUrl(), "client_id", "bench", "client_secret", "bench-secret"))) {
                client.getToken(); // the first fetch: the rest are cache hits
                Runnable version = () -> sink += Ooauthcc.version().length();
                Runnable token = () -> {
                    Token t = client.getToken();
                    sink += t.accessToken().length();
                };
                for (int i = 0; i < 5; i++) { // warm-up for the JIT
                    round(n / 2, version);
                    round(n / 2, token);
                }
                double[][] floor = new double[rounds][];
                double[][] cached = new double[rounds][];
                for (int r = 0; r < rounds; r++) {
                    floor[r] = round(n, version);
                    cached[r] = round(n, token);
                }
                long requests = server.requestCount("bench");
                System.out.printf("java %s, JNA direct mapping, libooauthcc %s; %d rounds of %,d calls each, median round%n",
                        System.getProperty("java.version"), Ooauthcc.version(), rounds, n);
                System.out.printf("%-58s %10s %10s%n", "", "wall ns", "CPU ns");
                System.out.printf("%-58s %10.1f %10.1f%n", "floor   Ooauthcc.version() (ooauthcc_version -> String)",
                        median(floor, 0), median(floor, 1));
                System.out.printf("%-58s %10.1f %10.1f%n", "cached  client.getToken() (a Token, after one fetch)",
                        median(cached, 0), median(cached, 1));
                System.out.printf("%-58s %9.2fx %9.2fx%n", "ratio   getToken / floor",
                        median(cached, 0) / median(floor, 0), median(cached, 1) / median(floor, 1));
                System.out.printf("token requests to the server: %d; cache hits counted by the library: %,d%n",
                        requests, client.stats().cacheHits());
                if (requests != 1) {
                    throw new AssertionError("expected one token request, saw " + requests);
                }
            }
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}
