/*
 * ooauthcc_set_event_callback: one event per fetch (outcome, duration,
 * lifetime or error) and one per caller that waited, none for a token served
 * from the cache; user_data freed once, when the callback is replaced.
 */
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>

#define HERD 16

struct tally {
    atomic_int succeeded, failed, waited, waited_with_error, invalid_client, background;
    atomic_ullong lifetime_ms, fetch_us;
    atomic_int wrong_client; /* events for a client id this test did not expect */
    const char *expect_prefix;
};

static atomic_int freed;

static void on_event(void *user_data, const ooauthcc_event *e) {
    struct tally *t = user_data;
    if (e->client_id == NULL || strncmp(e->client_id, t->expect_prefix, strlen(t->expect_prefix)) != 0) {
        atomic_fetch_add(&t->wrong_client, 1);
        return;
    }
    switch (e->kind) {
    case OOAUTHCC_EVENT_KIND_FETCH_SUCCEEDED:
        atomic_fetch_add(&t->succeeded, 1);
        atomic_store(&t->lifetime_ms, e->token_lifetime_ms);
        atomic_store(&t->fetch_us, e->duration_us);
        if (e->background) atomic_fetch_add(&t->background, 1);
        break;
    case OOAUTHCC_EVENT_KIND_FETCH_FAILED:
        atomic_fetch_add(&t->failed, 1);
        if (e->status == OOAUTHCC_STATUS_OAUTH && e->http_status == 401 && e->oauth_error != NULL &&
            strcmp(e->oauth_error, "invalid_client") == 0)
            atomic_fetch_add(&t->invalid_client, 1);
        break;
    case OOAUTHCC_EVENT_KIND_WAITED:
        atomic_fetch_add(&t->waited, 1);
        if (e->status != OOAUTHCC_STATUS_OK) atomic_fetch_add(&t->waited_with_error, 1);
        break;
    default:
        atomic_fetch_add(&t->wrong_client, 1);
    }
}

static void count_free(void *user_data) {
    (void)user_data;
    atomic_fetch_add(&freed, 1);
}

static void *get_one(void *arg) {
    ooauthcc_token *token = NULL;
    ooauthcc_error *err = NULL;
    if (ooauthcc_client_get_token(arg, OOAUTHCC_TIMEOUT_CONFIGURED, &token, &err) == OOAUTHCC_STATUS_OK)
        ooauthcc_token_free(token);
    ooauthcc_error_free(err);
    return NULL;
}

static void herd(ooauthcc_client *client) {
    pthread_t threads[HERD];
    for (int i = 0; i < HERD; i++) CHECK(pthread_create(&threads[i], NULL, get_one, client) == 0);
    for (int i = 0; i < HERD; i++) pthread_join(threads[i], NULL);
}

static uint64_t stat_of(const ooauthcc_client *c, ooauthcc_stat which) {
    uint64_t v = 0;
    TRY(ooauthcc_client_stat, c, which, &v);
    return v;
}

int main(void) {
    static struct tally t = {.expect_prefix = "events-"};
    TRY(ooauthcc_set_event_callback, on_event, &t, count_free);

    /* A herd on an empty cache: one fetch event; a wait event per caller that waited. */
    ooauthcc_test_server *server = start_server("events-herd", "s1");
    TRY(ooauthcc_test_server_set_latency_ms, server, 200);
    ooauthcc_config *cfg = config_for(server, "events-herd", "s1");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    herd(client);
    CHECK(atomic_load(&t.succeeded) == 1 && atomic_load(&t.failed) == 0);
    CHECK(atomic_load(&t.lifetime_ms) == 3600 * 1000);
    CHECK(atomic_load(&t.fetch_us) >= 200 * 1000);
    CHECK((uint64_t)atomic_load(&t.waited) == stat_of(client, OOAUTHCC_STAT_WAITS));
    CHECK(atomic_load(&t.waited) >= 1 && atomic_load(&t.waited_with_error) == 0);

    /* Served from the cache: no event. */
    int before = atomic_load(&t.succeeded) + atomic_load(&t.waited);
    herd(client);
    CHECK(atomic_load(&t.succeeded) + atomic_load(&t.waited) == before);
    ooauthcc_client_free(client);

    /* A refused client: the fetch's failure, and the waiters'. */
    TRY(ooauthcc_test_server_register_client, server, "events-wrong", "right-secret");
    cfg = config_for(server, "events-wrong", "wrong-secret");
    client = client_from(cfg);
    ooauthcc_config_free(cfg);
    herd(client);
    CHECK(atomic_load(&t.failed) == 1 && atomic_load(&t.invalid_client) == 1);
    CHECK(atomic_load(&t.waited_with_error) >= 1);
    CHECK(atomic_load(&t.background) == 0 && atomic_load(&t.wrong_client) == 0);
    ooauthcc_client_free(client);

    /* Replaced by the same user_data and free function: carried over, not freed. */
    TRY(ooauthcc_set_event_callback, on_event, &t, count_free);
    CHECK(atomic_load(&freed) == 0);
    /* Removed: freed once, and no more events. */
    TRY(ooauthcc_set_event_callback, NULL, NULL, NULL);
    CHECK(atomic_load(&freed) == 1);
    TRY(ooauthcc_test_server_register_client, server, "events-after", "s1");
    cfg = config_for(server, "events-after", "s1");
    client = client_from(cfg);
    ooauthcc_config_free(cfg);
    herd(client);
    CHECK(atomic_load(&t.succeeded) == 1);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
    CHECK(atomic_load(&freed) == 1);
    printf("events: 1 fetch, %d waits, 1 refusal; user_data freed once\n", atomic_load(&t.waited));
    return 0;
}
