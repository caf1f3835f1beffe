/*
 * Credential callbacks: the client secret (and the private_key_jwt key) asked
 * from C at every token request. A rotated secret takes effect at the next
 * fetch; a failing callback, a value that is not UTF-8 and a gone callback are
 * typed errors; a long secret takes a second call with a larger buffer; a
 * callback that asks its client for a token gets USAGE instead of a deadlock;
 * and each user_data is freed exactly once, when the last config or client
 * that refers to it goes.
 */
#include "common.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

/* What a callback hands out; shared with the test thread, so under a lock. */
struct source {
    pthread_mutex_t lock;
    char value[16384];
    int fail;   /* the callback returns this when not 0 */
    int calls;  /* how many times the callback ran */
    int freed;  /* how many times free_user_data ran */
};

static int write_credential(void *user_data, char *buf, size_t buf_len, size_t *out_len) {
    struct source *s = user_data;
    pthread_mutex_lock(&s->lock);
    s->calls++;
    int rc = s->fail;
    if (rc == 0) {
        size_t n = strlen(s->value);
        *out_len = n;
        if (n <= buf_len) memcpy(buf, s->value, n);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void free_source(void *user_data) {
    struct source *s = user_data;
    pthread_mutex_lock(&s->lock);
    s->freed++;
    pthread_mutex_unlock(&s->lock);
}

static void set_value(struct source *s, const char *value) {
    pthread_mutex_lock(&s->lock);
    snprintf(s->value, sizeof s->value, "%s", value);
    pthread_mutex_unlock(&s->lock);
}

static int read_count(struct source *s, int *field) {
    pthread_mutex_lock(&s->lock);
    int n = *field;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Static: free_user_data may run after the test functions return (their clients live on). */
static struct source rotating = {PTHREAD_MUTEX_INITIALIZER, "", 0, 0, 0};
static struct source failing = {PTHREAD_MUTEX_INITIALIZER, "", EIO, 0, 0};
static struct source not_utf8 = {PTHREAD_MUTEX_INITIALIZER, "\xff\xfe", 0, 0, 0};
static struct source long_secret = {PTHREAD_MUTEX_INITIALIZER, "", 0, 0, 0};
static struct source replaced = {PTHREAD_MUTEX_INITIALIZER, "never-used", 0, 0, 0};
static struct source key = {PTHREAD_MUTEX_INITIALIZER, "", 0, 0, 0};

static ooauthcc_config *callback_config(const ooauthcc_test_server *server, const char *id, struct source *s) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    CHECK(cfg != NULL);
    TRY(ooauthcc_config_set_token_url, cfg, ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_set_client_id, cfg, id);
    TRY(ooauthcc_config_set_client_secret_callback, cfg, write_credential, s, free_source);
    TRY(ooauthcc_config_set_max_retries, cfg, 0);
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, PATIENT_MS);
    return cfg;
}

static void get_valid(const ooauthcc_test_server *server, const ooauthcc_client *client, char *out, size_t len) {
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    bool valid = false;
    TRY(ooauthcc_test_server_is_valid_token, server, ooauthcc_token_access_token(token), &valid);
    CHECK(valid);
    snprintf(out, len, "%s", ooauthcc_token_access_token(token));
    ooauthcc_token_free(token);
}

static void test_rotation(ooauthcc_test_server *server) {
    set_value(&rotating, "first-secret");
    TRY(ooauthcc_test_server_register_client, server, "cb-rotate", "first-secret");
    ooauthcc_config *cfg = callback_config(server, "cb-rotate", &rotating);
    ooauthcc_client *a = client_from(cfg);
    ooauthcc_client *b = client_from(cfg); /* same registration: the same cache entry */
    ooauthcc_config_free(cfg);
    CHECK(read_count(&rotating, &rotating.freed) == 0);

    char first[128], again[128], second[128];
    get_valid(server, a, first, sizeof first);
    get_valid(server, b, again, sizeof again);
    CHECK(strcmp(first, again) == 0);
    CHECK(read_count(&rotating, &rotating.calls) == 1); /* a cache hit asks nothing */
    CHECK(requests(server, "cb-rotate") == 1);

    /* The secret rotates at the server and in the source; the next fetch uses the new one. */
    TRY(ooauthcc_test_server_register_client, server, "cb-rotate", "second-secret");
    set_value(&rotating, "second-secret");
    bool dropped = false;
    TRY(ooauthcc_client_invalidate, a, first, &dropped);
    CHECK(dropped);
    get_valid(server, b, second, sizeof second);
    CHECK(strcmp(first, second) != 0);
    CHECK(read_count(&rotating, &rotating.calls) == 2);
    CHECK(requests(server, "cb-rotate") == 2);

    /* user_data goes with the last client, not before. */
    ooauthcc_client_free(a);
    CHECK(read_count(&rotating, &rotating.freed) == 0);
    ooauthcc_client_free(b);
    CHECK(read_count(&rotating, &rotating.freed) == 1);
}

static void expect_config_error(const ooauthcc_test_server *server, const char *id, struct source *s,
                                const char *needle) {
    ooauthcc_config *cfg = callback_config(server, id, s);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *token = NULL;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    CHECK(token == NULL);
    const char *message = ooauthcc_error_message(err);
    if (!contains(message, "client_secret") || !contains(message, needle)) {
        fprintf(stderr, "unexpected message: %s (wanted `%s`)\n", message, needle);
        exit(1);
    }
    ooauthcc_error_free(err);
    CHECK(requests(server, id) == 0); /* nothing was sent */
    ooauthcc_client_free(client);
    CHECK(read_count(s, &s->freed) == 1);
}

static void test_failures(ooauthcc_test_server *server) {
    TRY(ooauthcc_test_server_register_client, server, "cb-fail", "x");
    TRY(ooauthcc_test_server_register_client, server, "cb-utf8", "x");
    expect_config_error(server, "cb-fail", &failing, "returned 5"); /* EIO */
    expect_config_error(server, "cb-utf8", &not_utf8, "UTF-8");
}

/* 10 000 bytes do not fit the first buffer (8 KiB): the callback is asked again with room. */
static void test_long_secret(ooauthcc_test_server *server) {
    char value[10001];
    memset(value, 'k', 10000);
    value[10000] = 0;
    set_value(&long_secret, value);
    TRY(ooauthcc_test_server_register_client, server, "cb-long", value);
    ooauthcc_config *cfg = callback_config(server, "cb-long", &long_secret);
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_POST);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    char token[128];
    get_valid(server, client, token, sizeof token);
    CHECK(read_count(&long_secret, &long_secret.calls) == 2);
    ooauthcc_client_free(client);
    CHECK(read_count(&long_secret, &long_secret.freed) == 1);
}

/* Setting the callback again releases the first registration; free_user_data may be NULL. */
static void test_replace_and_no_free(ooauthcc_test_server *server) {
    ooauthcc_config *cfg = callback_config(server, "cb-replace", &replaced);
    CHECK(read_count(&replaced, &replaced.freed) == 0);
    TRY(ooauthcc_config_set_client_secret_callback, cfg, write_credential, &replaced, NULL);
    CHECK(read_count(&replaced, &replaced.freed) == 1);
    /* A callback and a fixed secret at once: the client refuses to be built, naming both. */
    TRY(ooauthcc_config_set_client_secret, cfg, "fixed");
    ooauthcc_client *client = NULL;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_client_new, cfg, &client);
    CHECK(contains(ooauthcc_error_message(err), "client_secret_provider"));
    ooauthcc_error_free(err);
    ooauthcc_config_free(cfg);
    CHECK(read_count(&replaced, &replaced.freed) == 1);
    CHECK(read_count(&replaced, &replaced.calls) == 0);
}

/* A callback that first asks its own client for a token: a call that would have to wait, made
 * on a library thread, returns USAGE (as ooauthcc_credential_callback documents). */
struct reentrant {
    const ooauthcc_client *client;
    ooauthcc_status nested;
};

static int reenter(void *user_data, char *buf, size_t buf_len, size_t *out_len) {
    struct reentrant *r = user_data;
    ooauthcc_token *token = NULL;
    r->nested = ooauthcc_client_get_token(r->client, 2000, &token, NULL); /* TIMEOUT if it waited */
    ooauthcc_token_free(token);
    static const char secret[] = "reentrant-secret";
    *out_len = sizeof secret - 1;
    if (*out_len <= buf_len) memcpy(buf, secret, *out_len);
    return 0;
}

static void test_reentrant_call(ooauthcc_test_server *server) {
    static struct reentrant r = {NULL, OOAUTHCC_STATUS_OK};
    TRY(ooauthcc_test_server_register_client, server, "cb-reenter", "reentrant-secret");
    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_set_client_id, cfg, "cb-reenter");
    TRY(ooauthcc_config_set_client_secret_callback, cfg, reenter, &r, NULL);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    r.client = client;
    char token[128];
    get_valid(server, client, token, sizeof token);
    CHECK(r.nested == OOAUTHCC_STATUS_USAGE);
    ooauthcc_client_free(client);
}

/* private_key_jwt with the key from a callback (argv[1]: core/tests/fixtures/keys). */
static void test_private_key(ooauthcc_test_server *server, const char *keys) {
    char path[1200];
    snprintf(path, sizeof path, "%s/rsa-pkcs8.pem", keys);
    char *pem = read_text_file(path);
    set_value(&key, pem);
    free(pem);
    snprintf(path, sizeof path, "%s/rsa.pub.pem", keys);
    char *pub = read_text_file(path);
    TRY(ooauthcc_test_server_register_jwt_client, server, "cb-key", pub);
    free(pub);

    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_set_client_id, cfg, "cb-key");
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_PRIVATE_KEY_JWT);
    TRY(ooauthcc_config_set_private_key_callback, cfg, write_credential, &key, free_source);
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, PATIENT_MS);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    char token[128];
    get_valid(server, client, token, sizeof token);
    CHECK(read_count(&key, &key.calls) == 1);
    ooauthcc_client_free(client);
    CHECK(read_count(&key, &key.freed) == 1);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR (core/tests/fixtures/keys)\n", argv[0]);
        return 2;
    }
    ooauthcc_test_server *server = NULL;
    TRY(ooauthcc_test_server_start, &server);
    test_rotation(server);
    test_failures(server);
    test_long_secret(server);
    test_replace_and_no_free(server);
    test_reentrant_call(server);
    test_private_key(server, argv[1]);
    ooauthcc_test_server_free(server);

    /* At the end, every user_data was freed exactly once. */
    struct source *all[] = {&rotating, &failing, &not_utf8, &long_secret, &replaced, &key};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) CHECK(read_count(all[i], &all[i]->freed) == 1);
    printf("test_secret_callback: ok (rotation, failures, long secret, private key; user_data freed once each)\n");
    return 0;
}
