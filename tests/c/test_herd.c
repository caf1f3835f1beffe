/*
 * Single flight from C: 64 pthreads asking at once, on an empty cache and on
 * an expired one, make exactly one request each time, and all get its token.
 */
#include "common.h"

#include <pthread.h>

#define THREADS 64

struct herd {
    const ooauthcc_client *client;
    ooauthcc_token *kept; /* caller 0's token, kept to watch it expire */
    pthread_barrier_t start;
    char tokens[THREADS][128];
    ooauthcc_status status[THREADS];
};

struct caller {
    struct herd *herd;
    int index;
};

static void *call(void *arg) {
    struct caller *c = arg;
    struct herd *h = c->herd;
    pthread_barrier_wait(&h->start);
    ooauthcc_token *token = NULL;
    h->status[c->index] = ooauthcc_client_get_token(h->client, PATIENT_MS, &token, NULL);
    if (token) {
        snprintf(h->tokens[c->index], sizeof h->tokens[c->index], "%s", ooauthcc_token_access_token(token));
        if (c->index == 0) {
            h->kept = token;
        } else {
            ooauthcc_token_free(token);
        }
    }
    return NULL;
}

/* Runs the herd; returns the one token every caller got (static storage). */
static const char *run_herd(struct herd *h) {
    pthread_t threads[THREADS];
    struct caller callers[THREADS];
    memset(h->tokens, 0, sizeof h->tokens);
    pthread_barrier_init(&h->start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        callers[i] = (struct caller){h, i};
        CHECK(pthread_create(&threads[i], NULL, call, &callers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    pthread_barrier_destroy(&h->start);
    for (int i = 0; i < THREADS; i++) {
        CHECK(h->status[i] == OOAUTHCC_STATUS_OK);
        CHECK(strcmp(h->tokens[i], h->tokens[0]) == 0);
    }
    CHECK(strncmp(h->tokens[0], "at_", 3) == 0);
    return h->tokens[0];
}

int main(void) {
    ooauthcc_test_server *server = start_server("herd", "herd-secret");
    /* Latency keeps the one request in flight while all 64 callers arrive. */
    TRY(ooauthcc_test_server_set_latency_ms, server, 200);
    TRY(ooauthcc_test_server_set_token_lifetime_ms, server, 2000);
    ooauthcc_config *cfg = config_for(server, "herd", "herd-secret");
    /* No refresh-ahead: the token must really expire before the second herd. */
    TRY(ooauthcc_config_set_refresh_ahead, cfg, 1.0);
    TRY(ooauthcc_config_set_refresh_jitter, cfg, 0.0);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);

    static struct herd h;
    h.client = client;
    char first[128];
    snprintf(first, sizeof first, "%s", run_herd(&h));
    CHECK(requests(server, "herd") == 1);

    /* 2 s lifetime, skew capped at half: served for 1 s, then expired. */
    for (int waited = 0; !ooauthcc_token_is_expired(h.kept); waited += 20) {
        CHECK(waited < 5000);
        sleep_ms(20);
    }
    ooauthcc_token_free(h.kept);
    CHECK(requests(server, "herd") == 1);

    const char *second = run_herd(&h);
    ooauthcc_token_free(h.kept);
    CHECK(strcmp(first, second) != 0);
    CHECK(requests(server, "herd") == 2);
    uint64_t sent = 0, fetches = 0, background = 0;
    TRY(ooauthcc_client_stat, client, OOAUTHCC_STAT_TOKEN_REQUESTS, &sent);
    TRY(ooauthcc_client_stat, client, OOAUTHCC_STAT_FETCHES, &fetches);
    TRY(ooauthcc_client_stat, client, OOAUTHCC_STAT_BACKGROUND_REFRESHES, &background);
    CHECK(sent == 2 && fetches == 2 && background == 0);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
    printf("test_herd: ok (64 threads, 1 request on an empty cache, 1 on an expired one)\n");
    return 0;
}
