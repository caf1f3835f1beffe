/*
 * The conformance scenarios from C against a server nobody on this team wrote:
 * npm oidc-provider, started by scripts/test-c.sh, which passes its issuer in
 * OOAUTHCC_TEST_ISSUER and afterwards checks the token requests the server
 * counted per client against what this program prints it expects. Mutual TLS
 * (RFC 8705) goes to the same provider's HTTPS port, OOAUTHCC_TEST_MTLS_URL,
 * with the test PKI in OOAUTHCC_TEST_TLS (core/tests/fixtures/tls).
 */
#include "common.h" /* first: it sets _POSIX_C_SOURCE */

#include <pthread.h>

static const char *issuer;
static char token_url[256];

static ooauthcc_client *client_for(const char *id, const char *secret, uint32_t method) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, token_url);
    TRY(ooauthcc_config_set_client_id, cfg, id);
    if (secret) TRY(ooauthcc_config_set_client_secret, cfg, secret);
    TRY(ooauthcc_config_set_auth_method, cfg, method);
    ooauthcc_client *client = NULL;
    TRY(ooauthcc_client_new, cfg, &client);
    ooauthcc_config_free(cfg);
    return client;
}

/* A client of the HTTPS token endpoint presenting `<cert>.pem` (and its key). */
static ooauthcc_client *mtls_client(const char *mtls_url, const char *tls, const char *id, uint32_t method,
                                    const char *cert) {
    char url[256], cert_path[512], key_path[512], ca_path[512];
    snprintf(url, sizeof url, "%s/token", mtls_url);
    snprintf(cert_path, sizeof cert_path, "%s/%s.pem", tls, cert);
    snprintf(key_path, sizeof key_path, "%s/%s.key.pem", tls, cert);
    snprintf(ca_path, sizeof ca_path, "%s/ca.pem", tls);
    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, url);
    TRY(ooauthcc_config_set_client_id, cfg, id);
    TRY(ooauthcc_config_set_auth_method, cfg, method);
    TRY(ooauthcc_config_set_client_cert_file, cfg, cert_path);
    TRY(ooauthcc_config_set_client_key_file, cfg, key_path);
    TRY(ooauthcc_config_set_ca_bundle_file, cfg, ca_path);
    ooauthcc_client *client = NULL;
    TRY(ooauthcc_client_new, cfg, &client);
    ooauthcc_config_free(cfg);
    return client;
}

static void get_once(ooauthcc_client *client) {
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, PATIENT_MS, &token);
    CHECK(ooauthcc_token_access_token_len(token) > 0);
    ooauthcc_token_free(token);
}

struct caller {
    ooauthcc_client *client;
    pthread_barrier_t *barrier;
    ooauthcc_status status;
    uint16_t http_status;
    char token[2048];
};

static void *call(void *arg) {
    struct caller *c = arg;
    pthread_barrier_wait(c->barrier);
    ooauthcc_token *token = NULL;
    ooauthcc_error *err = NULL;
    c->status = ooauthcc_client_get_token(c->client, PATIENT_MS, &token, &err);
    if (token) snprintf(c->token, sizeof c->token, "%s", ooauthcc_token_access_token(token));
    if (err) c->http_status = ooauthcc_error_http_status(err);
    ooauthcc_token_free(token);
    ooauthcc_error_free(err);
    return NULL;
}

/* 64 threads at once; returns how many distinct tokens they got (0 on errors). */
static int herd(ooauthcc_client *client, ooauthcc_status want, char *first_token, size_t len) {
    enum { N = 64 };
    static struct caller callers[N];
    pthread_t threads[N];
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, N);
    for (int i = 0; i < N; i++) {
        memset(&callers[i], 0, sizeof callers[i]);
        callers[i].client = client;
        callers[i].barrier = &barrier;
        CHECK(pthread_create(&threads[i], NULL, call, &callers[i]) == 0);
    }
    for (int i = 0; i < N; i++) pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&barrier);
    int distinct = 0;
    for (int i = 0; i < N; i++) {
        CHECK(callers[i].status == want);
        if (want != OOAUTHCC_STATUS_OK) continue;
        if (i == 0 || strcmp(callers[i].token, callers[0].token) != 0) distinct++;
    }
    if (first_token) snprintf(first_token, len, "%s", callers[0].token);
    return want == OOAUTHCC_STATUS_OK ? distinct : 0;
}

int main(void) {
    issuer = getenv("OOAUTHCC_TEST_ISSUER");
    const char *keys = getenv("OOAUTHCC_TEST_KEYS");
    const char *mtls_url = getenv("OOAUTHCC_TEST_MTLS_URL");
    const char *tls = getenv("OOAUTHCC_TEST_TLS");
    CHECK(issuer != NULL && keys != NULL && mtls_url != NULL && tls != NULL);
    snprintf(token_url, sizeof token_url, "%s/token", issuer);

    /* client_secret_basic and client_secret_post. */
    ooauthcc_client *basic = client_for("cc-basic", "cc-basic-secret-0123456789", OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_BASIC);
    get_once(basic);
    get_once(basic); /* cached: no second request */
    ooauthcc_client *post = client_for("cc-post", "cc-post-secret-0123456789", OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_POST);
    get_once(post);

    /* client_secret_jwt and private_key_jwt (RFC 7523). */
    ooauthcc_client *csjwt = client_for("cc-secret-jwt", "cc-secret-jwt-secret-0123456789abcdef0123456789",
                                        OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_JWT);
    get_once(csjwt);
    char key_path[512];
    snprintf(key_path, sizeof key_path, "%s/rsa-pkcs8.pem", keys);
    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, token_url);
    TRY(ooauthcc_config_set_client_id, cfg, "cc-private-key-jwt");
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_PRIVATE_KEY_JWT);
    TRY(ooauthcc_config_set_private_key_file, cfg, key_path);
    TRY(ooauthcc_config_set_key_id, cfg, "test-key-1");
    ooauthcc_client *pkjwt = NULL;
    TRY(ooauthcc_client_new, cfg, &pkjwt);
    ooauthcc_config_free(cfg);
    ooauthcc_token *t = NULL;
    TRY(ooauthcc_client_get_token, pkjwt, PATIENT_MS, &t);
    bool dropped = false;
    TRY(ooauthcc_client_invalidate, pkjwt, ooauthcc_token_access_token(t), &dropped);
    CHECK(dropped);
    ooauthcc_token_free(t);
    get_once(pkjwt); /* a second assertion with a fresh jti */

    /* Discovery from the issuer alone, with a scope so it has its own entry. */
    cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_issuer, cfg, issuer);
    TRY(ooauthcc_config_set_client_id, cfg, "cc-basic");
    TRY(ooauthcc_config_set_client_secret, cfg, "cc-basic-secret-0123456789");
    TRY(ooauthcc_config_add_scope, cfg, "api:read");
    ooauthcc_client *discovered = NULL;
    TRY(ooauthcc_client_new, cfg, &discovered);
    ooauthcc_config_free(cfg);
    get_once(discovered);

    /* A wrong secret: the server's own invalid_client, one request for 64 threads. */
    ooauthcc_client *wrong = client_for("cc-basic", "wrong-secret", OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_BASIC);
    CHECK(herd(wrong, OOAUTHCC_STATUS_OAUTH, NULL, 0) == 0);
    ooauthcc_error *err = NULL;
    ooauthcc_token *none = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_OAUTH, ooauthcc_client_get_token, wrong, PATIENT_MS, &none);
    CHECK(contains(ooauthcc_error_oauth_error(err), "invalid_client"));
    CHECK(ooauthcc_error_http_status(err) == 401);
    ooauthcc_error_free(err);

    /* Single flight on an empty and on an expired cache (2-second tokens). */
    cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, token_url);
    TRY(ooauthcc_config_set_client_id, cfg, "cc-basic");
    TRY(ooauthcc_config_set_client_secret, cfg, "cc-basic-secret-0123456789");
    TRY(ooauthcc_config_add_resource, cfg, "urn:ooauthcc:short-lived");
    TRY(ooauthcc_config_set_refresh_ahead, cfg, 1.0);
    TRY(ooauthcc_config_set_refresh_jitter, cfg, 0.0);
    ooauthcc_client *short_lived = NULL;
    TRY(ooauthcc_client_new, cfg, &short_lived);
    ooauthcc_config_free(cfg);
    char first[2048], second[2048];
    CHECK(herd(short_lived, OOAUTHCC_STATUS_OK, first, sizeof first) == 1);
    sleep_ms(1200); /* a 2 s token is served for 1 s */
    CHECK(herd(short_lived, OOAUTHCC_STATUS_OK, second, sizeof second) == 1);
    CHECK(strcmp(first, second) != 0);

    /* tls_client_auth (cc-tls: the CA-issued client.pem's subject) and
     * self_signed_tls_client_auth (cc-self-signed: selfsigned.pem), over HTTPS. */
    ooauthcc_client *tls_ca = mtls_client(mtls_url, tls, "cc-tls", OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, "client");
    get_once(tls_ca);
    get_once(tls_ca); /* cached */
    ooauthcc_client *tls_self = mtls_client(mtls_url, tls, "cc-self-signed",
                                            OOAUTHCC_AUTH_METHOD_SELF_SIGNED_TLS_CLIENT_AUTH, "selfsigned");
    get_once(tls_self);

    /* The wrong certificate for either: oidc-provider's invalid_client, one request for a herd. */
    ooauthcc_client *tls_wrong[] = {
        mtls_client(mtls_url, tls, "cc-tls", OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH, "selfsigned"),
        mtls_client(mtls_url, tls, "cc-self-signed", OOAUTHCC_AUTH_METHOD_SELF_SIGNED_TLS_CLIENT_AUTH, "client"),
    };
    for (size_t i = 0; i < 2; i++) {
        CHECK(herd(tls_wrong[i], OOAUTHCC_STATUS_OAUTH, NULL, 0) == 0);
        err = NULL;
        EXPECT(&err, OOAUTHCC_STATUS_OAUTH, ooauthcc_client_get_token, tls_wrong[i], PATIENT_MS, &none);
        CHECK(strcmp(ooauthcc_error_oauth_error(err), "invalid_client") == 0);
        CHECK(ooauthcc_error_http_status(err) == 401);
        ooauthcc_error_free(err);
    }

    /* What the server must have counted, for scripts/test-c.sh to check. */
    printf("expect cc-basic=5 cc-post=1 cc-secret-jwt=1 cc-private-key-jwt=2 cc-tls=2 cc-self-signed=2\n");
    ooauthcc_client *all[] = {basic, post, csjwt, pkjwt, discovered, wrong, short_lived,
                              tls_ca, tls_self, tls_wrong[0], tls_wrong[1]};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) ooauthcc_client_free(all[i]);
    return 0;
}
