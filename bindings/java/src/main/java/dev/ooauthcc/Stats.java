package dev.ooauthcc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters of the cache entry a {@link Client} shares with every client built from the same
 * settings ({@code ooauthcc_client_stat}): a snapshot. Counters read one after the other may be
 * from slightly different moments.
 *
 * <p>The getters cover the counters of libooauthcc 0.2; {@link #asMap()} has every counter the
 * loaded library has, by its name ({@code "token_requests"}, … as in Rust and Python).
 */
public final class Stats {
    private final Map<String, Long> counters;

    Stats(Map<String, Long> counters) {
        this.counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /** {@return every counter by name, in the library's order} */
    public Map<String, Long> asMap() {
        return counters;
    }

    /**
     * {@return the counter named {@code name}, 0 when the loaded library has no such counter}
     *
     * @param name a counter name, e.g. {@code "token_requests"}
     */
    public long get(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** {@return HTTP requests sent to the token endpoint (each retry counts)} */
    public long tokenRequests() {
        return get("token_requests");
    }

    /** {@return calls answered from the cache without waiting} */
    public long cacheHits() {
        return get("cache_hits");
    }

    /** {@return calls that had to wait for a fetch (empty or expired cache)} */
    public long waits() {
        return get("waits");
    }

    /** {@return fetches started in the background because the token was due for renewal} */
    public long backgroundRefreshes() {
        return get("background_refreshes");
    }

    /** {@return fetches that ended in an error (after their retries)} */
    public long failures() {
        return get("failures");
    }

    /** {@return fetches started, in the foreground and in the background} */
    public long fetches() {
        return get("fetches");
    }

    /** {@return fetches answered from the shared store with another process's token} */
    public long storeHits() {
        return get("store_hits");
    }

    /** {@return fetches that waited for another process holding the store's fetch lock} */
    public long storeWaits() {
        return get("store_waits");
    }

    /** {@return store operations that failed or timed out (the token was fetched without the store)} */
    public long storeErrors() {
        return get("store_errors");
    }

    /** {@return store values that failed authentication and were ignored} */
    public long storeRejected() {
        return get("store_rejected");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Stats && ((Stats) other).counters.equals(counters);
    }

    @Override
    public int hashCode() {
        return counters.hashCode();
    }

    @Override
    public String toString() {
        return "Stats" + counters;
    }
}
