/*
 * Mutual TLS client authentication (RFC 8705) from C, against the bundled
 * server speaking HTTPS with the test PKI of core/tests/fixtures/tls (its
 * directory is argv[1]): tls_client_auth and self_signed_tls_client_auth get
 * tokens the server accepts; no certificate and the wrong certificate give the
 * typed errors they give in Rust; a herd of threads makes one request.
 */
#include "common.h"

#include <pthread.h>
#include <unistd.h>

static char dir[1024];

static const char *fixture(const char *name) {
    static char paths[8][1200];
    static int next = 0;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

/* A unique client id, so that reruns and other tests never share a cache entry. */
static const char *unique(const char *prefix) {
    static char ids[16][64];
    static int next = 0;
    char *id = ids[next++ % 16];
    snprintf(id, sizeof ids[0], "%s-%ld", prefix, (long)getpid());
    return id;
}

/* A config for mTLS with `method`, presenting the certificate and key from these fixtures. */
static ooauthcc_config *mtls_config(const ooauthcc_test_server *server, const char *id, uint32_t method,
                                    const char *cert, const char *key) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    CHECK(cfg != NULL);
    TRY(ooauthcc_config_set_token_url, cfg, ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_set_client_id, cfg, id);
    TRY(ooauthcc_config_set_auth_method, cfg, method);
    TRY(ooauthcc_config_set_client_cert_file, cfg, fixture(cert));
    TRY(ooauthcc_config_set_client_key_file, cfg, fixture(key));
    TRY(ooauthcc_config_set_ca_bundle_file, cfg, fixture("ca.pem"));
    TRY(ooauthcc_config_set_max_retries, cfg, 0);
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, PATIENT_MS);
    return cfg;
}

/* Gets a token with `cfg`, checks the server accepts it, returns the status of the fetch. */
static void expect_token(const ooauthcc_test_server *server, const ooauthcc_config *cfg) {
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    bool valid = false;
    TRY(ooauthcc_test_server_is_valid_token, server, ooauthcc_token_access_token(token), &valid);
    CHECK(valid);
    ooauthcc_token_free(token);
    ooauthcc_client_free(client);
}

/* Fetching with `cfg` fails with OAUTH invalid_client, HTTP 401, as in Rust. */
static void expect_invalid_client(const ooauthcc_config *cfg) {
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_token *token = NULL;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_OAUTH, ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    CHECK(token == NULL);
    CHECK(strcmp(ooauthcc_error_oauth_error(err), "invalid_client") == 0);
    CHECK(ooauthcc_error_http_status(err) == 401);
    CHECK(!ooauthcc_error_is_retryable(err));
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);
}

static void test_tls_client_auth(ooauthcc_test_server *server) {
    const char *id = unique("mtls-ca");
    char *cert = read_text_file(fixture("client.pem"));
    TRY(ooauthcc_test_server_register_tls_client, server, id, OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, cert);
    free(cert);
    ooauthcc_config *cfg =
        mtls_config(server, id, OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, "client.pem", "client.key.pem");
    expect_token(server, cfg);
    CHECK(requests(server, id) == 1);
    ooauthcc_config_free(cfg);
}

/* The certificate and key inline (PEM), against a server started from PEM text without a client CA. */
static void test_self_signed_tls_client_auth(void) {
    char *chain = read_text_file(fixture("server.pem"));
    char *key = read_text_file(fixture("server.key.pem"));
    ooauthcc_test_server *server = NULL;
    TRY(ooauthcc_test_server_start_tls, chain, key, "", &server);
    CHECK(strncmp(ooauthcc_test_server_token_url(server), "https://127.0.0.1:", 18) == 0);
    free(chain);
    free(key);

    const char *id = unique("mtls-self");
    char *cert = read_text_file(fixture("selfsigned.pem"));
    char *cert_key = read_text_file(fixture("selfsigned.key.pem"));
    TRY(ooauthcc_test_server_register_tls_client, server, id, OOAUTHCC_AUTH_METHOD_SELF_SIGNED_TLS_CLIENT_AUTH,
        cert);
    ooauthcc_config *cfg = mtls_config(server, id, OOAUTHCC_AUTH_METHOD_SELF_SIGNED_TLS_CLIENT_AUTH,
                                       "selfsigned.pem", "selfsigned.key.pem");
    TRY(ooauthcc_config_set_client_cert_file, cfg, "");
    TRY(ooauthcc_config_set_client_key_file, cfg, "");
    TRY(ooauthcc_config_set_client_cert, cfg, cert);
    TRY(ooauthcc_config_set_client_key, cfg, cert_key);
    expect_token(server, cfg);
    CHECK(requests(server, id) == 1);
    ooauthcc_config_free(cfg);
    free(cert);
    free(cert_key);
    ooauthcc_test_server_free(server);
}

static void test_wrong_or_no_certificate(ooauthcc_test_server *server) {
    const char *id = unique("mtls-wrong");
    char *cert = read_text_file(fixture("client.pem"));
    TRY(ooauthcc_test_server_register_tls_client, server, id, OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, cert);
    free(cert);

    /* The self-signed certificate chains to no trusted CA: not tls_client_auth. */
    ooauthcc_config *cfg =
        mtls_config(server, id, OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, "selfsigned.pem", "selfsigned.key.pem");
    expect_invalid_client(cfg);
    ooauthcc_config_free(cfg);

    /* No certificate at all, as a public client (only client_id): the server refuses it. */
    cfg = mtls_config(server, id, OOAUTHCC_AUTH_METHOD_NONE, "client.pem", "client.key.pem");
    TRY(ooauthcc_config_set_client_cert_file, cfg, "");
    TRY(ooauthcc_config_set_client_key_file, cfg, "");
    expect_invalid_client(cfg);
    ooauthcc_config_free(cfg);
    CHECK(requests(server, id) == 2);

    /* An mTLS method without a certificate is a configuration error naming it. */
    cfg = mtls_config(server, id, OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, "client.pem", "client.key.pem");
    TRY(ooauthcc_config_set_client_cert_file, cfg, "");
    TRY(ooauthcc_config_set_client_key_file, cfg, "");
    ooauthcc_client *client = NULL;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_client_new, cfg, &client);
    CHECK(client == NULL);
    CHECK(contains(ooauthcc_error_message(err), "client_cert"));
    ooauthcc_error_free(err);
    ooauthcc_config_free(cfg);

    /* Registering needs a certificate and an mTLS method. */
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_test_server_register_tls_client, server, id,
           OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, "not a certificate");
    CHECK(contains(ooauthcc_error_message(err), "cert_pem"));
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_test_server_register_tls_client, server, id,
           OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_BASIC, "");
    CHECK(contains(ooauthcc_error_message(err), "method"));
    ooauthcc_error_free(err);
    /* Unusable server TLS material is an argument error, not a crash. */
    ooauthcc_test_server *bad = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_test_server_start_tls, "no", "pem", "", &bad);
    CHECK(bad == NULL);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_test_server_start_tls_files, "/nonexistent/server.pem",
           fixture("server.key.pem"), "", &bad);
    CHECK(contains(ooauthcc_error_message(err), "cert_chain_file"));
    ooauthcc_error_free(err);
}

#define THREADS 16

struct herd {
    const ooauthcc_client *client;
    pthread_barrier_t start;
    ooauthcc_status status[THREADS];
    char tokens[THREADS][128];
};

struct caller {
    struct herd *herd;
    int index;
};

static void *call(void *arg) {
    struct caller *c = arg;
    pthread_barrier_wait(&c->herd->start);
    ooauthcc_token *token = NULL;
    c->herd->status[c->index] = ooauthcc_client_get_token(c->herd->client, PATIENT_MS, &token, NULL);
    if (token) {
        snprintf(c->herd->tokens[c->index], 128, "%s", ooauthcc_token_access_token(token));
        ooauthcc_token_free(token);
    }
    return NULL;
}

static void test_herd(ooauthcc_test_server *server) {
    const char *id = unique("mtls-herd");
    char *cert = read_text_file(fixture("client.pem"));
    TRY(ooauthcc_test_server_register_tls_client, server, id, OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, cert);
    free(cert);
    TRY(ooauthcc_test_server_set_latency_ms, server, 300);
    ooauthcc_config *cfg =
        mtls_config(server, id, OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, "client.pem", "client.key.pem");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);

    static struct herd h;
    h.client = client;
    pthread_t threads[THREADS];
    struct caller callers[THREADS];
    pthread_barrier_init(&h.start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        callers[i] = (struct caller){&h, i};
        CHECK(pthread_create(&threads[i], NULL, call, &callers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    pthread_barrier_destroy(&h.start);
    for (int i = 0; i < THREADS; i++) {
        CHECK(h.status[i] == OOAUTHCC_STATUS_OK);
        CHECK(strcmp(h.tokens[i], h.tokens[0]) == 0);
    }
    CHECK(requests(server, id) == 1);
    bool valid = false;
    TRY(ooauthcc_test_server_is_valid_token, server, h.tokens[0], &valid);
    CHECK(valid);
    TRY(ooauthcc_test_server_set_latency_ms, server, 0);
    ooauthcc_client_free(client);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR (core/tests/fixtures/tls)\n", argv[0]);
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", argv[1]);
    ooauthcc_test_server *server = NULL;
    TRY(ooauthcc_test_server_start_tls_files, fixture("server.pem"), fixture("server.key.pem"), fixture("ca.pem"),
        &server);
    test_tls_client_auth(server);
    test_self_signed_tls_client_auth();
    test_wrong_or_no_certificate(server);
    test_herd(server);
    ooauthcc_test_server_free(server);
    printf("test_mtls: ok (tls_client_auth, self_signed_tls_client_auth, wrong and no certificate, herd of %d)\n",
           THREADS);
    return 0;
}
