/*
 * Refresh-ahead from C: with 4 s tokens, two threads asking for 6 s never wait
 * after the first fetch (the token is renewed in the background before it
 * expires), every token they get is one the server issued and still accepts,
 * and the renewals are counted as background refreshes.
 */
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>

static const char *ID = "c-refresh-ahead";
static ooauthcc_test_server *server;
static ooauthcc_client *client;
static atomic_int bad_tokens;
static atomic_long calls;

static void *ask_for_six_seconds(void *arg) {
    (void)arg;
    const int64_t until = now_unix_ms() + 6000;
    while (now_unix_ms() < until) {
        ooauthcc_token *token = NULL;
        TRY(ooauthcc_client_get_token, client, PATIENT_MS, &token);
        bool valid = false;
        TRY(ooauthcc_test_server_is_valid_token, server, ooauthcc_token_access_token(token), &valid);
        if (!valid || ooauthcc_token_expires_at_unix_ms(token) <= now_unix_ms()) atomic_fetch_add(&bad_tokens, 1);
        ooauthcc_token_free(token);
        atomic_fetch_add(&calls, 1);
        sleep_ms(2);
    }
    return NULL;
}

static uint64_t stat_of(ooauthcc_stat which) {
    uint64_t n = 0;
    TRY(ooauthcc_client_stat, client, which, &n);
    return n;
}

int main(void) {
    server = start_server(ID, "ahead-secret");
    TRY(ooauthcc_test_server_set_token_lifetime_ms, server, 4000);
    TRY(ooauthcc_test_server_set_latency_ms, server, 50);
    ooauthcc_config *cfg = config_for(server, ID, "ahead-secret");
    client = client_from(cfg);
    ooauthcc_config_free(cfg);

    ooauthcc_token *first = NULL;
    TRY(ooauthcc_client_get_token, client, PATIENT_MS, &first); /* the only call that may wait */
    ooauthcc_token_free(first);
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&threads[i], NULL, ask_for_six_seconds, NULL) == 0);
    for (int i = 0; i < 2; i++) CHECK(pthread_join(threads[i], NULL) == 0);

    const uint64_t waits = stat_of(OOAUTHCC_STAT_WAITS);
    const uint64_t refreshes = stat_of(OOAUTHCC_STAT_BACKGROUND_REFRESHES);
    printf("calls %ld, waits %llu, background refreshes %llu, token requests %llu\n", atomic_load(&calls),
           (unsigned long long)waits, (unsigned long long)refreshes, (unsigned long long)requests(server, ID));
    CHECK(atomic_load(&bad_tokens) == 0);
    CHECK(waits == 1);           /* the first fetch only */
    CHECK(refreshes >= 2);       /* a 4 s token (2 s usable) renewed ahead for 6 s */
    CHECK(stat_of(OOAUTHCC_STAT_FAILURES) == 0);
    CHECK(stat_of(OOAUTHCC_STAT_TOKEN_REQUESTS) == requests(server, ID));
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
    puts("test_refresh_ahead: ok");
    return 0;
}
