/*
 * The C part of the program: a herd of C threads asking one C client (built
 * from a JSON config) for its token. It calls the C API the ordinary way; the
 * linker resolves the `ooauthcc_*` functions to the copy the Rust part links,
 * so its client shares the Rust clients' cache entry.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ooauthcc.h"

enum { TOKEN_SLOT = 256 };

struct caller {
    struct ooauthcc_client *client;
    const atomic_int *gate;
    char *token_out;
    int ok;
};

static void *ask(void *arg) {
    struct caller *c = arg;
    while (!atomic_load(c->gate)) {
        sched_yield();
    }
    struct ooauthcc_token *token = NULL;
    struct ooauthcc_error *err = NULL;
    if (ooauthcc_client_get_token(c->client, OOAUTHCC_TIMEOUT_CONFIGURED, &token, &err) != OOAUTHCC_STATUS_OK) {
        fprintf(stderr, "c_herd: %s\n", err ? ooauthcc_error_message(err) : "(no detail)");
        ooauthcc_error_free(err);
        return NULL;
    }
    const char *text = ooauthcc_token_access_token(token);
    c->ok = strlen(text) < TOKEN_SLOT;
    if (c->ok) {
        memcpy(c->token_out, text, strlen(text) + 1);
    }
    ooauthcc_token_free(token);
    return NULL;
}

/*
 * Builds a client from `settings_json`, starts `callers` threads that wait for
 * `*gate` to become non-zero and then each get the token into
 * `tokens_out + i * TOKEN_SLOT`. Returns how many succeeded (-1 if the client
 * could not be built or a thread not started); `*token_requests` is the C
 * client's count of token requests, read after the herd.
 */
int c_herd(const char *settings_json, int callers, const atomic_int *gate, char *tokens_out, uint64_t *token_requests) {
    struct ooauthcc_config *cfg = NULL;
    struct ooauthcc_client *client = NULL;
    struct ooauthcc_error *err = NULL;
    if (ooauthcc_config_from_json(settings_json, &cfg, &err) != OOAUTHCC_STATUS_OK ||
        ooauthcc_client_new(cfg, &client, &err) != OOAUTHCC_STATUS_OK) {
        fprintf(stderr, "c_herd: %s\n", err ? ooauthcc_error_message(err) : "(no detail)");
        ooauthcc_error_free(err);
        ooauthcc_config_free(cfg);
        return -1;
    }
    ooauthcc_config_free(cfg);
    struct caller *calls = calloc((size_t)callers, sizeof *calls);
    pthread_t *threads = calloc((size_t)callers, sizeof *threads);
    int started = 0;
    int ok = 0;
    if (calls && threads) {
        for (; started < callers; started++) {
            calls[started] = (struct caller){client, gate, tokens_out + (size_t)started * TOKEN_SLOT, 0};
            if (pthread_create(&threads[started], NULL, ask, &calls[started]) != 0) {
                break;
            }
        }
        for (int i = 0; i < started; i++) {
            pthread_join(threads[i], NULL);
            ok += calls[i].ok;
        }
    }
    if (ooauthcc_client_stat(client, OOAUTHCC_STAT_TOKEN_REQUESTS, token_requests, &err) != OOAUTHCC_STATUS_OK) {
        ooauthcc_error_free(err);
        ok = -1;
    }
    ooauthcc_client_free(client);
    free(calls);
    free(threads);
    return started == callers ? ok : -1;
}
