/*
 * Helpers shared by the C tests: checks that print where they failed and
 * exit non-zero, and the bundled test server with one client registered.
 */
#ifndef OOAUTHCC_TEST_COMMON_H
#define OOAUTHCC_TEST_COMMON_H

#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ooauthcc.h"
#include "ooauthcc_testing.h" /* the bundled test server: libooauthcc_testing */

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                               \
        }                                                                          \
    } while (0)

/* Calls fn(args..., &err) and fails the test with the error message unless it
 * returned OOAUTHCC_STATUS_OK. */
#define TRY(fn, ...)                                                                       \
    do {                                                                                   \
        ooauthcc_error *try_err_ = NULL;                                                   \
        ooauthcc_status try_st_ = fn(__VA_ARGS__, &try_err_);                              \
        if (try_st_ != OOAUTHCC_STATUS_OK) {                                               \
            fprintf(stderr, "%s:%d: %s failed: status %u (%s): %s\n", __FILE__, __LINE__, #fn, \
                    (unsigned)try_st_, ooauthcc_status_name(try_st_),                      \
                    try_err_ ? ooauthcc_error_message(try_err_) : "(no error object)");    \
            ooauthcc_error_free(try_err_);                                                 \
            exit(1);                                                                       \
        }                                                                                  \
        CHECK(try_err_ == NULL);                                                           \
    } while (0)

/* Calls fn(args..., &err), checks it returned `want`, and leaves the error in
 * `*errp` (the caller frees it). */
#define EXPECT(errp, want, fn, ...)                                                        \
    do {                                                                                   \
        *(errp) = NULL;                                                                    \
        ooauthcc_status exp_st_ = fn(__VA_ARGS__, (errp));                                 \
        if (exp_st_ != (want)) {                                                           \
            fprintf(stderr, "%s:%d: %s returned %u (%s), expected %u (%s): %s\n", __FILE__, \
                    __LINE__, #fn, (unsigned)exp_st_, ooauthcc_status_name(exp_st_),       \
                    (unsigned)(want), ooauthcc_status_name(want),                          \
                    *(errp) ? ooauthcc_error_message(*(errp)) : "(no error object)");      \
            exit(1);                                                                       \
        }                                                                                  \
        CHECK((want) == OOAUTHCC_STATUS_OK ? *(errp) == NULL : *(errp) != NULL);           \
        if (*(errp)) CHECK(ooauthcc_error_status(*(errp)) == (want));                      \
    } while (0)

/* How long a call that should succeed may wait: a first request under valgrind
 * spends seconds loading the system's root certificates. */
#define PATIENT_MS 30000

static inline int contains(const char *haystack, const char *needle) {
    return haystack != NULL && needle != NULL && strstr(haystack, needle) != NULL;
}

static inline void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline int64_t now_unix_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* HTTP requests one fetch of a refused client costs under the default
 * auth_method, auto: Basic, then once more with the secret in the body. */
#define REFUSED_FETCH_REQUESTS 2

/* A started test server with `client_id` registered with `secret`. */
static inline ooauthcc_test_server *start_server(const char *client_id, const char *secret) {
    ooauthcc_test_server *server = NULL;
    TRY(ooauthcc_test_server_start, &server);
    TRY(ooauthcc_test_server_register_client, server, client_id, secret);
    return server;
}

/* A config for `client_id`/`secret` at `server`, with quick retries. */
static inline ooauthcc_config *config_for(const ooauthcc_test_server *server, const char *client_id,
                                          const char *secret) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    CHECK(cfg != NULL);
    TRY(ooauthcc_config_set_token_url, cfg, ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_set_client_id, cfg, client_id);
    TRY(ooauthcc_config_set_client_secret, cfg, secret);
    TRY(ooauthcc_config_set_retry_base_delay_ms, cfg, 20);
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, PATIENT_MS);
    return cfg;
}

static inline ooauthcc_client *client_from(const ooauthcc_config *cfg) {
    ooauthcc_client *client = NULL;
    TRY(ooauthcc_client_new, cfg, &client);
    CHECK(client != NULL);
    return client;
}

/* The whole text of a file, malloc'ed (free it); fails the test if unreadable. */
static inline char *read_text_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    CHECK(text != NULL);
    size_t n;
    while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            text = realloc(text, cap);
            CHECK(text != NULL);
        }
    }
    fclose(f);
    text[len] = 0;
    return text;
}

static inline uint64_t requests(const ooauthcc_test_server *server, const char *client_id) {
    uint64_t n = 0;
    TRY(ooauthcc_test_server_request_count, server, client_id, &n);
    return n;
}

#endif
