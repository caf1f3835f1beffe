/*
 * The cached get-token hot path measured from C through the shared library
 * (what a C program really runs, including the dynamic TLS model of a .so).
 * Not a test: timed figures are recorded in BENCHMARKS.md ("The C ABI hot path").
 *
 *   scripts/install-c.sh /tmp/ooauthcc   # release build of both libraries, with their soname links
 *   gcc -O2 -std=c11 -Itests/c tests/c/bench_hot_path.c -o /tmp/bench_hot_path -lpthread \
 *       $(PKG_CONFIG_PATH=/tmp/ooauthcc/lib/pkgconfig pkg-config --cflags --libs ooauthcc-testing) \
 *       -Wl,-rpath,/tmp/ooauthcc/lib && /tmp/bench_hot_path
 */
#include "common.h"

#include <pthread.h>

#define CALLS 20000000L

static const ooauthcc_client *client;
static pthread_barrier_t start;

static void *loop(void *arg) {
    (void)arg;
    pthread_barrier_wait(&start);
    for (long i = 0; i < CALLS; i++) {
        ooauthcc_token *token;
        if (ooauthcc_client_get_token(client, OOAUTHCC_TIMEOUT_CONFIGURED, &token, NULL) != OOAUTHCC_STATUS_OK) exit(1);
        ooauthcc_token_free(token);
    }
    return NULL;
}

static double run(int threads) {
    pthread_t t[2];
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, loop, NULL);
    struct timespec a, b;
    pthread_barrier_wait(&start);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    pthread_barrier_destroy(&start);
    return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / CALLS;
}

int main(void) {
    ooauthcc_test_server *server = start_server("bench", "s");
    ooauthcc_config *cfg = config_for(server, "bench", "s");
    ooauthcc_client *c = client_from(cfg);
    ooauthcc_config_free(cfg);
    client = c;
    ooauthcc_token *token = NULL; /* fetch the token: the loops run on the cache */
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    ooauthcc_token_free(token);
    for (int round = 0; round < 3; round++) {
        printf("1 thread:  %.1f ns per get_token+free\n", run(1));
        printf("2 threads: %.1f ns per get_token+free (wall time per call, both threads calling)\n", run(2));
    }
    ooauthcc_client_free(c);
    ooauthcc_test_server_free(server);
    return 0;
}
