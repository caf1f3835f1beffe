/*
 * Tokens without blocking a thread: ooauthcc_client_get_token_async (a
 * completion callback) and ooauthcc_client_try_get_token (poll).
 *
 * - 200 async calls on an empty cache (the server slow) all return before it
 *   answers, hold no thread each, and complete with one token from ONE request;
 * - on a cached token the callback runs on the calling thread, before the
 *   call returns;
 * - a wrong secret completes every waiting call with OAUTH / invalid_client,
 *   after one fetch (two requests: auto, the default, tries Basic, then the body);
 * - try_get_token answers NULL (fetch under way) without waiting, then the token;
 * - NULL client or callback: NULL_ARGUMENT, and the callback never runs.
 */
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>

#define CALLS 200

struct outcome {
    atomic_int done;
    atomic_int ok;
    atomic_int same_thread;
    pthread_t caller;
    char first[128];
    atomic_int differing;
    atomic_int oauth_invalid_client;
    pthread_mutex_t lock;
};

static void completed(void *user_data, ooauthcc_status status, ooauthcc_token *token, ooauthcc_error *error) {
    struct outcome *o = user_data;
    if (pthread_equal(pthread_self(), o->caller)) atomic_fetch_add(&o->same_thread, 1);
    if (status == OOAUTHCC_STATUS_OK) {
        CHECK(token != NULL && error == NULL);
        pthread_mutex_lock(&o->lock);
        if (o->first[0] == 0) {
            snprintf(o->first, sizeof o->first, "%s", ooauthcc_token_access_token(token));
        } else if (strcmp(o->first, ooauthcc_token_access_token(token)) != 0) {
            atomic_fetch_add(&o->differing, 1);
        }
        pthread_mutex_unlock(&o->lock);
        ooauthcc_token_free(token);
        atomic_fetch_add(&o->ok, 1);
    } else {
        CHECK(token == NULL && error != NULL);
        CHECK(ooauthcc_error_status(error) == status);
        if (status == OOAUTHCC_STATUS_OAUTH && contains(ooauthcc_error_oauth_error(error), "invalid_client") &&
            ooauthcc_error_http_status(error) == 401) {
            atomic_fetch_add(&o->oauth_invalid_client, 1);
        }
        ooauthcc_error_free(error);
    }
    atomic_fetch_add(&o->done, 1); /* last: the test may free `o` once all are done */
}

static void init(struct outcome *o) {
    memset(o, 0, sizeof *o);
    o->caller = pthread_self();
    pthread_mutex_init(&o->lock, NULL);
}

static void wait_all(struct outcome *o, int n) {
    for (int waited = 0; atomic_load(&o->done) < n; waited += 5) {
        CHECK(waited < PATIENT_MS);
        sleep_ms(5);
    }
}

static uint64_t stat_of(const ooauthcc_client *c, ooauthcc_stat which) {
    uint64_t v = 0;
    TRY(ooauthcc_client_stat, c, which, &v);
    return v;
}

static void herd_on_an_empty_cache(void) {
    ooauthcc_test_server *server = start_server("async-app", "async-secret");
    /* Slow enough that 200 calls return before it answers, even under valgrind. */
    TRY(ooauthcc_test_server_set_latency_ms, server, 3000);
    ooauthcc_config *cfg = config_for(server, "async-app", "async-secret");
    ooauthcc_client *client = client_from(cfg);
    struct outcome o;
    init(&o);
    for (int i = 0; i < CALLS; i++) {
        TRY(ooauthcc_client_get_token_async, client, OOAUTHCC_TIMEOUT_CONFIGURED, completed, &o);
    }
    /* Every call returned on this one thread before the server answered:
     * none waited, and none holds a thread. */
    CHECK(atomic_load(&o.done) == 0);
    wait_all(&o, CALLS);
    CHECK(atomic_load(&o.ok) == CALLS);
    CHECK(atomic_load(&o.differing) == 0);
    CHECK(atomic_load(&o.same_thread) == 0);
    CHECK(requests(server, "async-app") == 1);
    CHECK(stat_of(client, OOAUTHCC_STAT_WAITS) == CALLS);

    /* Cached: the callback runs before the call returns, on this thread. */
    struct outcome cached;
    init(&cached);
    TRY(ooauthcc_client_get_token_async, client, OOAUTHCC_TIMEOUT_CONFIGURED, completed, &cached);
    CHECK(atomic_load(&cached.done) == 1 && atomic_load(&cached.same_thread) == 1);
    CHECK(strcmp(cached.first, o.first) == 0);
    CHECK(requests(server, "async-app") == 1);

    /* NULL arguments: an error, and the callback is never called. */
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_client_get_token_async, NULL, 0, completed, &cached);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_client_get_token_async, client, 0, NULL, &cached);
    ooauthcc_error_free(err);
    CHECK(atomic_load(&cached.done) == 1);

    pthread_mutex_destroy(&o.lock);
    pthread_mutex_destroy(&cached.lock);
    ooauthcc_client_free(client);
    ooauthcc_config_free(cfg);
    ooauthcc_test_server_free(server);
}

static void wrong_secret_completes_every_call_with_the_oauth_error(void) {
    ooauthcc_test_server *server = start_server("async-wrong", "right-secret");
    TRY(ooauthcc_test_server_set_latency_ms, server, 200);
    ooauthcc_config *cfg = config_for(server, "async-wrong", "wrong-secret");
    ooauthcc_client *client = client_from(cfg);
    struct outcome o;
    init(&o);
    for (int i = 0; i < 32; i++) {
        TRY(ooauthcc_client_get_token_async, client, OOAUTHCC_TIMEOUT_CONFIGURED, completed, &o);
    }
    wait_all(&o, 32);
    CHECK(atomic_load(&o.ok) == 0);
    CHECK(atomic_load(&o.oauth_invalid_client) == 32);
    CHECK(requests(server, "async-wrong") == REFUSED_FETCH_REQUESTS);
    pthread_mutex_destroy(&o.lock);
    ooauthcc_client_free(client);
    ooauthcc_config_free(cfg);
    ooauthcc_test_server_free(server);
}

static void try_get_token_polls_without_waiting(void) {
    ooauthcc_test_server *server = start_server("poll-app", "poll-secret");
    TRY(ooauthcc_test_server_set_latency_ms, server, 300);
    ooauthcc_config *cfg = config_for(server, "poll-app", "poll-secret");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_try_get_token, client, &token);
    CHECK(token == NULL); /* the fetch is under way */
    int polls = 1;
    for (int waited = 0; token == NULL; waited += 10, polls++) {
        CHECK(waited < PATIENT_MS);
        sleep_ms(10);
        TRY(ooauthcc_client_try_get_token, client, &token);
    }
    CHECK(polls > 5); /* it did not wait the 300 ms inside a call */
    CHECK(strncmp(ooauthcc_token_access_token(token), "at_", 3) == 0);
    CHECK(requests(server, "poll-app") == 1);
    CHECK(stat_of(client, OOAUTHCC_STAT_WAITS) == 0);
    ooauthcc_token_free(token);
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_client_try_get_token, client, NULL);
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);
    ooauthcc_config_free(cfg);
    ooauthcc_test_server_free(server);
}

int main(void) {
    herd_on_an_empty_cache();
    wrong_secret_completes_every_call_with_the_oauth_error();
    try_get_token_polls_without_waiting();
    printf("test_async: ok\n");
    return 0;
}
