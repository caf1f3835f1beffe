/*
 * Every setting that shapes the token request, or how a token is applied, set
 * from C to a value that is not its default, and checked where it shows: in
 * what the bundled server received (its recorded requests: path, headers,
 * form parameters, the authentication used) or in what the client produced
 * (the header to send, the query parameter, the destination check).
 *
 * The WIRE table at the end names one test per setting. A Rust test
 * (ffi-testing/tests/settings_on_wire.rs) checks that table against core's
 * schema and tests/wire_exemptions.txt, and that each test calls its
 * setting's setter: a setting added to core without a test here (or a reason
 * there) fails the suite. python/tests/test_settings_on_wire.py does the same
 * from Python.
 *
 * Usage: test_settings_on_wire KEYS_DIR [SETTING]   (KEYS_DIR: core/tests/fixtures/keys)
 */
#include "common.h"
#include "wire_helpers.h"

#include <unistd.h>

static ooauthcc_test_server *server;
static const char *keys_dir;
static char issuer[256]; /* the server's base URL: its token URL without "/token" */

/* ---- helpers ---------------------------------------------------------- */

/* A config at the test server for `client_id`, without a secret, with quick retries. */
static ooauthcc_config *config_without_secret(const char *client_id) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    CHECK(cfg != NULL);
    TRY(ooauthcc_config_set_token_url, cfg, ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_set_client_id, cfg, client_id);
    TRY(ooauthcc_config_set_retry_base_delay_ms, cfg, 20);
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, PATIENT_MS);
    return cfg;
}

/* Registers `client_id` (any secret-based method) and gives a config for it. */
static ooauthcc_config *config_registered(const char *client_id, const char *secret) {
    TRY(ooauthcc_test_server_register_client, server, client_id, secret);
    return config_for(server, client_id, secret);
}

/* Builds a client from `cfg` (and frees `cfg`). */
static ooauthcc_client *build(ooauthcc_config *cfg) {
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    return client;
}

/* The newest request the server recorded, which must name `client_id`. */
static ooauthcc_test_request *last_request(const char *client_id) {
    size_t n = 0;
    TRY(ooauthcc_test_server_recorded_count, server, &n);
    CHECK(n > 0);
    ooauthcc_test_request *r = NULL;
    TRY(ooauthcc_test_server_recorded_request, server, n - 1, &r);
    CHECK_STR(ooauthcc_test_request_client_id(r), client_id);
    return r;
}

/* Gets one token with a client built from `cfg` (frees `cfg`) and checks
 * that the server issued it. */
static void fetch_one(ooauthcc_config *cfg) {
    ooauthcc_client *client = build(cfg);
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, 0, &token);
    bool valid = false;
    TRY(ooauthcc_test_server_is_valid_token, server, ooauthcc_token_access_token(token), &valid);
    CHECK(valid);
    ooauthcc_token_free(token);
    ooauthcc_client_free(client);
}

/* fetch_one, and the request it sent. */
static ooauthcc_test_request *fetch(ooauthcc_config *cfg, const char *client_id) {
    fetch_one(cfg);
    return last_request(client_id);
}

/* ---- where the request goes and who it names --------------------------- */

static void wire_token_url(void) {
    ooauthcc_config *cfg = config_registered("wire-token_url", "s1");
    TRY(ooauthcc_config_set_token_url, cfg, ooauthcc_test_server_token_url(server));
    ooauthcc_test_request *r = fetch(cfg, "wire-token_url");
    CHECK_STR(ooauthcc_test_request_method(r), "POST");
    CHECK_STR(ooauthcc_test_request_path(r), "/token");
    CHECK_STR(ooauthcc_test_request_header(r, "content-type"), "application/x-www-form-urlencoded");
    CHECK_STR(ooauthcc_test_request_param(r, "grant_type"), "client_credentials");
    ooauthcc_test_request_free(r);
}

static void wire_issuer(void) {
    TRY(ooauthcc_test_server_register_client, server, "wire-issuer", "s1");
    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_issuer, cfg, issuer); /* no token_url: discovered */
    TRY(ooauthcc_config_set_client_id, cfg, "wire-issuer");
    TRY(ooauthcc_config_set_client_secret, cfg, "s1");
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, PATIENT_MS);
    ooauthcc_test_request *r = fetch(cfg, "wire-issuer");
    CHECK_STR(ooauthcc_test_request_path(r), "/token"); /* the discovered token_endpoint */
    ooauthcc_test_request_free(r);
}

/* ---- dynamic client registration (RFC 7591) ------------------------------ */

/* A registration file path in a fresh directory the client will create. */
static void registration_path(const char *what, char *out, size_t cap) {
    snprintf(out, cap, "/tmp/ooauthcc-wire-%s-%d-%lld/client.json", what, (int)getpid(), (long long)now_unix_ms());
}

/* A config at the server's token endpoint with no client id and no secret:
 * the wire test sets its registration settings. */
static ooauthcc_config *config_unregistered(void) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    CHECK(cfg != NULL);
    TRY(ooauthcc_config_set_token_url, cfg, ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_set_retry_base_delay_ms, cfg, 20);
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, PATIENT_MS);
    return cfg;
}

/* Gets one token through `cfg` (freed) and returns the registration file's
 * text (malloc'ed), after checking that the token request named the client id
 * the file holds. */
static char *fetch_registered(ooauthcc_config *cfg, const char *path) {
    fetch_one(cfg);
    char *text = read_text_file(path);
    size_t n = 0;
    TRY(ooauthcc_test_server_recorded_count, server, &n);
    ooauthcc_test_request *r = NULL;
    TRY(ooauthcc_test_server_recorded_request, server, n - 1, &r);
    char quoted[160];
    snprintf(quoted, sizeof quoted, "\"client_id\":\"%s\"", ooauthcc_test_request_client_id(r));
    CHECK(strncmp(ooauthcc_test_request_client_id(r), "dcr-", 4) == 0);
    CHECK(contains(text, quoted)); /* the token request used what the file keeps */
    ooauthcc_test_request_free(r);
    return text;
}

/* Removes the registration file, its lock file and their directory. */
static void remove_registration(const char *path) {
    char other[300];
    unlink(path);
    snprintf(other, sizeof other, "%s.lock", path);
    unlink(other);
    snprintf(other, sizeof other, "%s", path);
    char *slash = strrchr(other, '/');
    CHECK(slash != NULL);
    *slash = 0;
    CHECK(rmdir(other) == 0);
}

static uint64_t registrations(void) {
    uint64_t n = 0;
    TRY(ooauthcc_test_server_registration_count, server, &n);
    return n;
}

static void wire_registration_file(void) {
    char path[256];
    registration_path("file", path, sizeof path);
    uint64_t before = registrations();
    for (int start = 0; start < 2; start++) { /* the second start registers nothing */
        ooauthcc_config *cfg = config_unregistered();
        TRY(ooauthcc_config_set_registration_endpoint, cfg, ooauthcc_test_server_registration_url(server));
        TRY(ooauthcc_config_set_registration_file, cfg, path);
        if (start == 1) TRY(ooauthcc_config_add_scope, cfg, "another-entry");
        free(fetch_registered(cfg, path));
        CHECK(registrations() == before + 1);
    }
    remove_registration(path);
}

static void wire_registration_endpoint(void) {
    char path[256];
    registration_path("endpoint", path, sizeof path);
    uint64_t before = registrations();
    ooauthcc_config *cfg = config_unregistered();
    TRY(ooauthcc_config_set_registration_file, cfg, path);
    TRY(ooauthcc_config_set_registration_endpoint, cfg, ooauthcc_test_server_registration_url(server));
    char *text = fetch_registered(cfg, path);
    char want[300];
    snprintf(want, sizeof want, "\"registration_endpoint\":\"%s\"", ooauthcc_test_server_registration_url(server));
    CHECK(contains(text, want));
    CHECK(registrations() == before + 1);
    free(text);
    remove_registration(path);
}

static void wire_initial_access_token(void) {
    char path[256];
    registration_path("iat", path, sizeof path);
    TRY(ooauthcc_test_server_require_initial_access_token, server, "wire-iat-0123456789");
    /* Without it the endpoint refuses (401 invalid_token); with it, registers. */
    for (int with = 0; with < 2; with++) {
        ooauthcc_config *cfg = config_unregistered();
        TRY(ooauthcc_config_set_registration_endpoint, cfg, ooauthcc_test_server_registration_url(server));
        TRY(ooauthcc_config_set_registration_file, cfg, path);
        if (with) {
            TRY(ooauthcc_config_set_initial_access_token, cfg, "wire-iat-0123456789");
            free(fetch_registered(cfg, path));
            continue;
        }
        TRY(ooauthcc_config_set_max_retries, cfg, 0);
        ooauthcc_client *client = build(cfg);
        ooauthcc_token *token = NULL;
        ooauthcc_error *err = NULL;
        CHECK(ooauthcc_client_get_token(client, 0, &token, &err) == OOAUTHCC_STATUS_OAUTH);
        CHECK_STR(ooauthcc_error_oauth_error(err), "invalid_token");
        CHECK(ooauthcc_error_http_status(err) == 401);
        ooauthcc_error_free(err);
        ooauthcc_client_free(client);
    }
    TRY(ooauthcc_test_server_require_initial_access_token, server, NULL);
    remove_registration(path);
}

static void wire_client_id(void) {
    const char *id = "wire client/id"; /* in Basic: wire%20client%2Fid (space as %20, see below) */
    TRY(ooauthcc_test_server_register_client, server, id, "s1");
    ooauthcc_config *cfg = config_without_secret(id);
    TRY(ooauthcc_config_set_client_id, cfg, id);
    TRY(ooauthcc_config_set_client_secret, cfg, "s1");
    ooauthcc_test_request *r = fetch(cfg, id);
    char want[256];
    basic_header("wire%20client%2Fid:s1", want);
    const char *got = ooauthcc_test_request_header(r, "authorization");
    CHECK(got != NULL && strcmp(got, want) == 0); /* not printed: it carries the secret */
    CHECK_STR(ooauthcc_test_request_auth_used(r), "client_secret_basic");
    ooauthcc_test_request_free(r);
}

/* ---- the client secret and where it comes from ------------------------- */

/* The Basic header of `client_id` with a secret that form-urlencodes to `encoded`. */
static void check_basic(ooauthcc_test_request *r, const char *client_id, const char *encoded_secret) {
    char credentials[160], want[256];
    snprintf(credentials, sizeof credentials, "%s:%s", client_id, encoded_secret);
    basic_header(credentials, want);
    const char *got = ooauthcc_test_request_header(r, "authorization");
    CHECK(got != NULL && strcmp(got, want) == 0); /* not printed: it carries the secret */
    CHECK(ooauthcc_test_request_param(r, "client_secret") == NULL);
}

static void wire_client_secret(void) {
    const char *id = "wire-client_secret";
    TRY(ooauthcc_test_server_register_client, server, id, "sec ret:%1");
    ooauthcc_config *cfg = config_without_secret(id);
    TRY(ooauthcc_config_set_client_secret, cfg, "sec ret:%1");
    ooauthcc_test_request *r = fetch(cfg, id);
    /* RFC 6749 §2.3.1: form-urlencoded, then base64; a space as %20, which
     * every server decodes (some read "+" literally in Basic). */
    check_basic(r, id, "sec%20ret%3A%251");
    ooauthcc_test_request_free(r);
}

static void wire_client_secret_file(void) {
    const char *id = "wire-client_secret_file";
    TRY(ooauthcc_test_server_register_client, server, id, "from-a-file");
    char path[] = "/tmp/ooauthcc-wire-secret-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, "from-a-file\n", 12) == 12); /* a trailing newline is ignored */
    close(fd);
    ooauthcc_config *cfg = config_without_secret(id);
    TRY(ooauthcc_config_set_client_secret_file, cfg, path);
    ooauthcc_test_request *r = fetch(cfg, id);
    unlink(path);
    check_basic(r, id, "from-a-file");
    ooauthcc_test_request_free(r);
}

static void wire_client_secret_env(void) {
    const char *id = "wire-client_secret_env";
    TRY(ooauthcc_test_server_register_client, server, id, "from-the-environment");
    CHECK(setenv("OOAUTHCC_WIRE_TEST_SECRET", "from-the-environment", 1) == 0);
    ooauthcc_config *cfg = config_without_secret(id);
    TRY(ooauthcc_config_set_client_secret_env, cfg, "OOAUTHCC_WIRE_TEST_SECRET");
    ooauthcc_test_request *r = fetch(cfg, id);
    check_basic(r, id, "from-the-environment");
    ooauthcc_test_request_free(r);
}

/* A credential callback handing out the string `user_data`. */
static int give(void *user_data, char *buf, size_t buf_len, size_t *out_len) {
    const char *value = user_data;
    *out_len = strlen(value);
    if (*out_len <= buf_len) memcpy(buf, value, *out_len);
    return 0;
}

static void wire_client_secret_provider(void) {
    const char *id = "wire-client_secret_provider";
    static char secret[] = "from-a-callback";
    TRY(ooauthcc_test_server_register_client, server, id, secret);
    ooauthcc_config *cfg = config_without_secret(id);
    TRY(ooauthcc_config_set_client_secret_callback, cfg, give, secret, NULL);
    ooauthcc_test_request *r = fetch(cfg, id);
    check_basic(r, id, "from-a-callback");
    ooauthcc_test_request_free(r);
}

/* ---- private_key_jwt: the key and where it comes from ------------------- */

/* The key pair of core/tests/fixtures/keys, the public half registered for `client_id`. */
static char *private_key_pem(const char *client_id) {
    char path[1024];
    snprintf(path, sizeof path, "%s/rsa.pub.pem", keys_dir);
    char *public_pem = read_text_file(path);
    TRY(ooauthcc_test_server_register_jwt_client, server, client_id, public_pem);
    free(public_pem);
    snprintf(path, sizeof path, "%s/rsa-pkcs8.pem", keys_dir);
    return read_text_file(path);
}

static ooauthcc_config *private_key_jwt_config(const char *client_id) {
    ooauthcc_config *cfg = config_without_secret(client_id);
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_PRIVATE_KEY_JWT);
    return cfg;
}

/* The server verified the assertion's signature with the registered public
 * key before it issued the token that fetch() checked: the key was used. */
static void check_private_key_jwt(ooauthcc_test_request *r) {
    CHECK_STR(ooauthcc_test_request_auth_used(r), "private_key_jwt");
    CHECK_STR(ooauthcc_test_request_param(r, "client_assertion_type"),
              "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    CHECK(ooauthcc_test_request_header(r, "authorization") == NULL);
    ooauthcc_test_request_free(r);
}

static void wire_private_key(void) {
    char *pem = private_key_pem("wire-private_key");
    ooauthcc_config *cfg = private_key_jwt_config("wire-private_key");
    TRY(ooauthcc_config_set_private_key, cfg, pem);
    free(pem);
    check_private_key_jwt(fetch(cfg, "wire-private_key"));
}

static void wire_private_key_file(void) {
    free(private_key_pem("wire-private_key_file"));
    char path[1024];
    snprintf(path, sizeof path, "%s/rsa-pkcs8.pem", keys_dir);
    ooauthcc_config *cfg = private_key_jwt_config("wire-private_key_file");
    TRY(ooauthcc_config_set_private_key_file, cfg, path);
    check_private_key_jwt(fetch(cfg, "wire-private_key_file"));
}

static void wire_private_key_env(void) {
    char *pem = private_key_pem("wire-private_key_env");
    CHECK(setenv("OOAUTHCC_WIRE_TEST_KEY", pem, 1) == 0);
    free(pem);
    ooauthcc_config *cfg = private_key_jwt_config("wire-private_key_env");
    TRY(ooauthcc_config_set_private_key_env, cfg, "OOAUTHCC_WIRE_TEST_KEY");
    check_private_key_jwt(fetch(cfg, "wire-private_key_env"));
}

static char *callback_key; /* freed at exit: the library may call back until its client goes */

static void wire_private_key_provider(void) {
    callback_key = private_key_pem("wire-private_key_provider");
    ooauthcc_config *cfg = private_key_jwt_config("wire-private_key_provider");
    TRY(ooauthcc_config_set_private_key_callback, cfg, give, callback_key, NULL);
    check_private_key_jwt(fetch(cfg, "wire-private_key_provider"));
}

/* ---- client assertions: their header and claims ------------------------ */

/* A client_secret_jwt client and config. */
static ooauthcc_config *assertion_config(const char *client_id) {
    TRY(ooauthcc_test_server_register_client_with, server, client_id, "a-long-enough-hmac-secret-0123456789",
        "client_secret_jwt", "", "", "");
    ooauthcc_config *cfg = config_for(server, client_id, "a-long-enough-hmac-secret-0123456789");
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_JWT);
    return cfg;
}

/* Part `part` (0: header, 1: claims) of the assertion the request carried, decoded (free it). */
static char *assertion_part(ooauthcc_test_request *r, int part) {
    CHECK_STR(ooauthcc_test_request_auth_used(r), "client_secret_jwt");
    const char *jwt = ooauthcc_test_request_param(r, "client_assertion");
    CHECK(jwt != NULL);
    char *json = malloc(strlen(jwt) + 1);
    CHECK(json != NULL);
    jwt_part(jwt, part, json);
    return json;
}

static void wire_signing_alg(void) {
    ooauthcc_config *cfg = assertion_config("wire-signing_alg");
    TRY(ooauthcc_config_set_signing_alg, cfg, "HS384");
    ooauthcc_test_request *r = fetch(cfg, "wire-signing_alg");
    char *header = assertion_part(r, 0);
    CHECK(contains(header, "\"alg\":\"HS384\""));
    free(header);
    ooauthcc_test_request_free(r);
}

static void wire_key_id(void) {
    ooauthcc_config *cfg = assertion_config("wire-key_id");
    TRY(ooauthcc_config_set_key_id, cfg, "wire-kid-7");
    ooauthcc_test_request *r = fetch(cfg, "wire-key_id");
    char *header = assertion_part(r, 0);
    CHECK(contains(header, "\"kid\":\"wire-kid-7\""));
    free(header);
    ooauthcc_test_request_free(r);
}

static void wire_assertion_audience(void) {
    ooauthcc_config *cfg = assertion_config("wire-assertion_audience");
    TRY(ooauthcc_config_set_assertion_audience, cfg, issuer); /* default: the token URL */
    ooauthcc_test_request *r = fetch(cfg, "wire-assertion_audience");
    char *claims = assertion_part(r, 1), want[300];
    snprintf(want, sizeof want, "\"aud\":\"%s\"", issuer);
    CHECK(contains(claims, want));
    free(claims);
    ooauthcc_test_request_free(r);
}

static void wire_assertion_lifetime(void) {
    ooauthcc_config *cfg = assertion_config("wire-assertion_lifetime");
    TRY(ooauthcc_config_set_assertion_lifetime_ms, cfg, 45000); /* default 60 s */
    ooauthcc_test_request *r = fetch(cfg, "wire-assertion_lifetime");
    char *claims = assertion_part(r, 1);
    CHECK(json_number(claims, "exp") - json_number(claims, "iat") == 45);
    free(claims);
    ooauthcc_test_request_free(r);
}

/* ---- the form parameters, headers and cookies of the request ----------- */

static void wire_scopes(void) {
    ooauthcc_config *cfg = config_registered("wire-scopes", "s1");
    TRY(ooauthcc_config_add_scope, cfg, "orders.write");
    TRY(ooauthcc_config_add_scope, cfg, "orders.read");
    ooauthcc_test_request *r = fetch(cfg, "wire-scopes");
    CHECK_STR(ooauthcc_test_request_param(r, "scope"), "orders.read orders.write"); /* sorted, space */
    ooauthcc_test_request_free(r);
}

static void wire_scope_delimiter(void) {
    ooauthcc_config *cfg = config_registered("wire-scope_delimiter", "s1");
    TRY(ooauthcc_config_add_scope, cfg, "b");
    TRY(ooauthcc_config_add_scope, cfg, "a");
    TRY(ooauthcc_config_set_scope_delimiter, cfg, OOAUTHCC_SCOPE_DELIMITER_COMMA);
    ooauthcc_test_request *r = fetch(cfg, "wire-scope_delimiter");
    CHECK_STR(ooauthcc_test_request_param(r, "scope"), "a,b");
    ooauthcc_test_request_free(r);
}

static void wire_scope_param(void) {
    ooauthcc_config *cfg = config_registered("wire-scope_param", "s1");
    TRY(ooauthcc_config_add_scope, cfg, "a");
    TRY(ooauthcc_config_set_scope_param, cfg, "scopes");
    ooauthcc_test_request *r = fetch(cfg, "wire-scope_param");
    CHECK_STR(ooauthcc_test_request_param(r, "scopes"), "a");
    CHECK(ooauthcc_test_request_param(r, "scope") == NULL);
    ooauthcc_test_request_free(r);
}

static void wire_audience(void) {
    ooauthcc_config *cfg = config_registered("wire-audience", "s1");
    TRY(ooauthcc_config_set_audience, cfg, "https://orders.example.com");
    ooauthcc_test_request *r = fetch(cfg, "wire-audience");
    CHECK_STR(ooauthcc_test_request_param(r, "audience"), "https://orders.example.com");
    ooauthcc_test_request_free(r);
}

static void wire_resources(void) {
    ooauthcc_config *cfg = config_registered("wire-resources", "s1");
    TRY(ooauthcc_config_add_resource, cfg, "https://r1.example.com");
    TRY(ooauthcc_config_add_resource, cfg, "https://r2.example.com");
    ooauthcc_test_request *r = fetch(cfg, "wire-resources");
    CHECK(ooauthcc_test_request_param_count(r, "resource") == 2); /* RFC 8707: repeated */
    const char *first = ooauthcc_test_request_param_at(r, "resource", 0);
    const char *second = ooauthcc_test_request_param_at(r, "resource", 1);
    CHECK(first != NULL && second != NULL && strcmp(first, second) != 0);
    CHECK(strcmp(first, "https://r1.example.com") == 0 || strcmp(first, "https://r2.example.com") == 0);
    CHECK(strcmp(second, "https://r1.example.com") == 0 || strcmp(second, "https://r2.example.com") == 0);
    CHECK(ooauthcc_test_request_param_at(r, "resource", 2) == NULL);
    ooauthcc_test_request_free(r);
}

static void wire_extra_params(void) {
    ooauthcc_config *cfg = config_registered("wire-extra_params", "s1");
    TRY(ooauthcc_config_add_extra_param, cfg, "tenant", "t-42");
    TRY(ooauthcc_config_add_extra_param, cfg, "region", "eu west");
    ooauthcc_test_request *r = fetch(cfg, "wire-extra_params");
    CHECK_STR(ooauthcc_test_request_param(r, "tenant"), "t-42");
    CHECK_STR(ooauthcc_test_request_param(r, "region"), "eu west");
    ooauthcc_test_request_free(r);
}

static void wire_extra_headers(void) {
    ooauthcc_config *cfg = config_registered("wire-extra_headers", "s1");
    TRY(ooauthcc_config_add_extra_header, cfg, "X-Wire-Test", "yes");
    ooauthcc_test_request *r = fetch(cfg, "wire-extra_headers");
    CHECK_STR(ooauthcc_test_request_header(r, "x-wire-test"), "yes");
    ooauthcc_test_request_free(r);
}

static void wire_cookies(void) {
    ooauthcc_config *cfg = config_registered("wire-cookies", "s1");
    TRY(ooauthcc_config_add_cookie, cfg, "session", "abc");
    TRY(ooauthcc_config_add_cookie, cfg, "region", "eu");
    ooauthcc_test_request *r = fetch(cfg, "wire-cookies");
    const char *cookie = ooauthcc_test_request_header(r, "cookie");
    CHECK(contains(cookie, "session=abc") && contains(cookie, "region=eu") && contains(cookie, "; "));
    ooauthcc_test_request_free(r);
}

static void wire_grant_type(void) {
    const char *grant = "urn:example:params:oauth:grant-type:custom";
    TRY(ooauthcc_test_server_register_client_with, server, "wire-grant_type", "s1", "", "", grant, "");
    ooauthcc_config *cfg = config_for(server, "wire-grant_type", "s1");
    TRY(ooauthcc_config_set_grant_type, cfg, grant);
    ooauthcc_test_request *r = fetch(cfg, "wire-grant_type");
    CHECK_STR(ooauthcc_test_request_param(r, "grant_type"), grant);
    ooauthcc_test_request_free(r);
}

/* ---- client authentication --------------------------------------------- */

static void wire_auth_method(void) {
    /* client_secret_post: the secret in the body, no Authorization header. */
    TRY(ooauthcc_test_server_register_client_with, server, "wire-auth_method-post", "s1", "post", "", "", "");
    ooauthcc_config *cfg = config_for(server, "wire-auth_method-post", "s1");
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_POST);
    ooauthcc_test_request *r = fetch(cfg, "wire-auth_method-post");
    CHECK_STR(ooauthcc_test_request_auth_used(r), "client_secret_post");
    CHECK_STR(ooauthcc_test_request_param(r, "client_id"), "wire-auth_method-post");
    const char *secret = ooauthcc_test_request_param(r, "client_secret");
    CHECK(secret != NULL && strcmp(secret, "s1") == 0);
    CHECK(ooauthcc_test_request_header(r, "authorization") == NULL);
    ooauthcc_test_request_free(r);

    /* auto, with a server that takes post only: Basic is refused, post works
     * and is remembered, so the next fetch goes straight to post. */
    const char *id = "wire-auth_method-auto";
    TRY(ooauthcc_test_server_register_client_with, server, id, "s1", "post", "", "", "");
    TRY(ooauthcc_test_server_reset_counts, server);
    cfg = config_for(server, id, "s1");
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_AUTO);
    ooauthcc_client *client = build(cfg);
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, 0, &token);
    bool dropped = false;
    TRY(ooauthcc_client_invalidate, client, ooauthcc_token_access_token(token), &dropped);
    CHECK(dropped);
    ooauthcc_token_free(token);
    TRY(ooauthcc_client_get_token, client, 0, &token);
    ooauthcc_token_free(token);
    ooauthcc_client_free(client);
    const char *want[] = {"client_secret_basic", "client_secret_post", "client_secret_post"};
    size_t n = 0;
    TRY(ooauthcc_test_server_recorded_count, server, &n);
    CHECK(n == 3);
    for (size_t i = 0; i < n; i++) {
        TRY(ooauthcc_test_server_recorded_request, server, i, &r);
        CHECK_STR(ooauthcc_test_request_client_id(r), id);
        CHECK_STR(ooauthcc_test_request_auth_used(r), want[i]);
        ooauthcc_test_request_free(r);
    }
}

static void wire_basic_encoding(void) {
    /* RFC 7617: id:secret base64-encoded as they are, not form-urlencoded first. */
    const char *id = "wire-basic_encoding", *secret = "p@ss word:1";
    TRY(ooauthcc_test_server_register_client_with, server, id, secret, "basic", "raw", "", "");
    ooauthcc_config *cfg = config_for(server, id, secret);
    TRY(ooauthcc_config_set_basic_encoding, cfg, OOAUTHCC_BASIC_ENCODING_RFC7617);
    ooauthcc_test_request *r = fetch(cfg, id);
    check_basic(r, id, secret);
    ooauthcc_test_request_free(r);
}

/* ---- reading the response, and the token's life ------------------------ */

static void wire_token_path(void) {
    TRY(ooauthcc_test_server_set_quirk, server, "nested_token"); /* {"data":{"access_token":…}} */
    ooauthcc_config *cfg = config_registered("wire-token_path", "s1");
    TRY(ooauthcc_config_set_token_path, cfg, "data");
    ooauthcc_test_request_free(fetch(cfg, "wire-token_path")); /* the server issued what was read */
    TRY(ooauthcc_test_server_set_quirk, server, "none");
}

static void wire_default_lifetime(void) {
    TRY(ooauthcc_test_server_set_quirk, server, "missing_expires_in");
    ooauthcc_config *cfg = config_registered("wire-default_lifetime", "s1");
    TRY(ooauthcc_config_set_default_lifetime_ms, cfg, 1000000); /* 1000 s; default 300 s */
    ooauthcc_client *client = build(cfg);
    ooauthcc_token *token = NULL;
    int64_t before = now_unix_ms();
    TRY(ooauthcc_client_get_token, client, 0, &token);
    int64_t left = ooauthcc_token_expires_at_unix_ms(token) - before;
    CHECK(left > 900000 && left <= 1001000);
    ooauthcc_token_free(token);
    ooauthcc_client_free(client);
    TRY(ooauthcc_test_server_set_quirk, server, "none");
}

/* Gets a token with `client` and drops it. */
static void get_one(ooauthcc_client *client) {
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, 0, &token);
    ooauthcc_token_free(token);
}

static void wire_refresh_skew(void) {
    /* 6 s tokens. The default skew (60 s, capped at half the lifetime) ends
     * them after 3 s; a skew of 0.25 s after 5.75 s. Four seconds after the
     * first token, the default client must fetch again and the other not.
     * No background refresh (refresh_ahead 1.0), so only expiry counts. */
    TRY(ooauthcc_test_server_set_token_lifetime_ms, server, 6000);
    ooauthcc_config *cfg = config_registered("wire-refresh_skew-default", "s1");
    TRY(ooauthcc_config_set_refresh_ahead, cfg, 1.0);
    ooauthcc_client *plain = build(cfg);
    cfg = config_registered("wire-refresh_skew", "s1");
    TRY(ooauthcc_config_set_refresh_ahead, cfg, 1.0);
    TRY(ooauthcc_config_set_refresh_skew_ms, cfg, 250);
    ooauthcc_client *skewed = build(cfg);
    get_one(plain);
    get_one(skewed);
    sleep_ms(4000);
    get_one(plain);
    get_one(skewed);
    CHECK(requests(server, "wire-refresh_skew-default") == 2);
    CHECK(requests(server, "wire-refresh_skew") == 1);
    ooauthcc_client_free(plain);
    ooauthcc_client_free(skewed);
    TRY(ooauthcc_test_server_set_token_lifetime_ms, server, 3600000);
}

/* ---- applying the token ------------------------------------------------ */

/* The header `client` produces for a fresh token, checked against `name` and `prefix`. */
static void check_header(ooauthcc_client *client, const char *name, const char *prefix) {
    ooauthcc_header *h = NULL;
    TRY(ooauthcc_client_get_header, client, 0, &h);
    char want[512];
    snprintf(want, sizeof want, "%s %s", prefix, ooauthcc_header_access_token(h));
    CHECK_STR(ooauthcc_header_name(h), name);
    CHECK_STR(ooauthcc_header_value(h), want);
    snprintf(want, sizeof want, "%s: %s %s", name, prefix, ooauthcc_header_access_token(h));
    CHECK_STR(ooauthcc_header_line(h), want);
    ooauthcc_header_free(h);
}

static void wire_token_prefix(void) {
    ooauthcc_config *cfg = config_registered("wire-token_prefix", "s1");
    TRY(ooauthcc_config_set_token_prefix, cfg, "MAC");
    ooauthcc_client *client = build(cfg);
    check_header(client, "Authorization", "MAC");
    ooauthcc_client_free(client);
}

static void wire_header_name(void) {
    ooauthcc_config *cfg = config_registered("wire-header_name", "s1");
    TRY(ooauthcc_config_set_header_name, cfg, "X-Api-Token");
    ooauthcc_client *client = build(cfg);
    check_header(client, "X-Api-Token", "Bearer");
    CHECK_STR(ooauthcc_client_header_name(client), "X-Api-Token");
    ooauthcc_client_free(client);
}

static void wire_query_param(void) {
    ooauthcc_config *cfg = config_registered("wire-query_param", "s1");
    TRY(ooauthcc_config_set_query_param, cfg, "access_token");
    ooauthcc_client *client = build(cfg);
    CHECK_STR(ooauthcc_client_query_param(client), "access_token");
    ooauthcc_client_free(client);
    client = build(config_registered("wire-query_param-default", "s1"));
    CHECK(ooauthcc_client_query_param(client) == NULL); /* by default: the header */
    ooauthcc_client_free(client);
}

static void wire_header_format(void) {
    ooauthcc_config *cfg = config_registered("wire-header_format", "s1");
    TRY(ooauthcc_config_set_header_format, cfg, "Token {token}; v=2");
    ooauthcc_client *client = build(cfg);
    ooauthcc_header *h = NULL;
    TRY(ooauthcc_client_get_header, client, 0, &h);
    char want[512];
    snprintf(want, sizeof want, "Token %s; v=2", ooauthcc_header_access_token(h));
    CHECK_STR(ooauthcc_header_value(h), want);
    ooauthcc_header_free(h);
    ooauthcc_client_free(client);
}

/* The header lines ooauthcc_client_authorize gives for `client`, the token's first. */
static ooauthcc_authorized *authorized_for(ooauthcc_client *client) {
    ooauthcc_authorized *a = NULL;
    TRY(ooauthcc_client_authorize, client, "https://api.example.com/orders", 0, &a);
    return a;
}

static void wire_resource_headers(void) {
    ooauthcc_config *cfg = config_registered("wire-resource_headers", "s1");
    TRY(ooauthcc_config_add_resource_header, cfg, "X-Tenant", "acme");
    ooauthcc_client *client = build(cfg);
    ooauthcc_authorized *a = authorized_for(client);
    CHECK(ooauthcc_authorized_header_count(a) == 2);
    CHECK_STR(ooauthcc_authorized_header_line(a, 1), "x-tenant: acme");
    ooauthcc_authorized_free(a);
    ooauthcc_test_request *r = last_request("wire-resource_headers");
    CHECK(ooauthcc_test_request_header(r, "x-tenant") == NULL); /* not on the token request */
    ooauthcc_test_request_free(r);
    ooauthcc_client_free(client);
}

static void wire_resource_cookies(void) {
    ooauthcc_config *cfg = config_registered("wire-resource_cookies", "s1");
    TRY(ooauthcc_config_add_resource_cookie, cfg, "b", "2");
    TRY(ooauthcc_config_add_resource_cookie, cfg, "a", "1");
    ooauthcc_client *client = build(cfg);
    ooauthcc_authorized *a = authorized_for(client);
    CHECK_STR(ooauthcc_authorized_header_line(a, 1), "Cookie: a=1; b=2");
    ooauthcc_authorized_free(a);
    ooauthcc_test_request *r = last_request("wire-resource_cookies");
    CHECK(ooauthcc_test_request_header(r, "cookie") == NULL); /* not on the token request */
    ooauthcc_test_request_free(r);
    ooauthcc_client_free(client);
}

static void wire_unauthorized_retries(void) {
    ooauthcc_config *cfg = config_registered("wire-unauthorized_retries", "s1");
    TRY(ooauthcc_config_set_unauthorized_retries, cfg, 3);
    ooauthcc_client *client = build(cfg);
    CHECK(ooauthcc_client_unauthorized_retries(client) == 3);
    ooauthcc_client_free(client);
    client = build(config_registered("wire-unauthorized_retries-default", "s1"));
    CHECK(ooauthcc_client_unauthorized_retries(client) == 1);
    ooauthcc_client_free(client);
}

static void wire_allowed_hosts(void) {
    ooauthcc_config *cfg = config_registered("wire-allowed_hosts", "s1");
    TRY(ooauthcc_config_add_allowed_host, cfg, "api.example.com");
    ooauthcc_client *client = build(cfg);
    TRY(ooauthcc_client_check_destination, client, "https://api.example.com/orders");
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_USAGE, ooauthcc_client_check_destination, client, "https://other.example.com/");
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);
}

static void wire_allow_insecure_http(void) {
    ooauthcc_config *cfg = config_registered("wire-allow_insecure_http", "s1");
    TRY(ooauthcc_config_set_allow_insecure_http, cfg, true);
    ooauthcc_client *client = build(cfg);
    TRY(ooauthcc_client_check_destination, client, "http://api.example.com/orders");
    ooauthcc_client_free(client);
    client = build(config_registered("wire-allow_insecure_http-default", "s1"));
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_USAGE, ooauthcc_client_check_destination, client, "http://api.example.com/orders");
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);
}

/* ---- the table: one test per setting, named after it --------------------- */

struct wire_test {
    const char *setting;
    void (*run)(void);
};

#define WIRE(name) {#name, wire_##name}

static const struct wire_test WIRE_TESTS[] = {
    WIRE(token_url),
    WIRE(issuer),
    WIRE(client_id),
    WIRE(client_secret),
    WIRE(client_secret_file),
    WIRE(client_secret_env),
    WIRE(registration_file),
    WIRE(registration_endpoint),
    WIRE(initial_access_token),
    WIRE(client_secret_provider),
    WIRE(private_key),
    WIRE(private_key_file),
    WIRE(private_key_env),
    WIRE(private_key_provider),
    WIRE(signing_alg),
    WIRE(key_id),
    WIRE(assertion_audience),
    WIRE(assertion_lifetime),
    WIRE(scopes),
    WIRE(scope_delimiter),
    WIRE(scope_param),
    WIRE(audience),
    WIRE(resources),
    WIRE(extra_params),
    WIRE(extra_headers),
    WIRE(cookies),
    WIRE(grant_type),
    WIRE(auth_method),
    WIRE(basic_encoding),
    WIRE(token_path),
    WIRE(default_lifetime),
    WIRE(refresh_skew),
    WIRE(token_prefix),
    WIRE(header_name),
    WIRE(query_param),
    WIRE(header_format),
    WIRE(resource_headers),
    WIRE(resource_cookies),
    WIRE(unauthorized_retries),
    WIRE(allowed_hosts),
    WIRE(allow_insecure_http),
};

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s KEYS_DIR [SETTING]\n", argv[0]);
        return 2;
    }
    keys_dir = argv[1];
    const char *only = argc > 2 ? argv[2] : NULL;
    TRY(ooauthcc_test_server_start, &server);
    const char *url = ooauthcc_test_server_token_url(server);
    CHECK(strlen(url) < sizeof issuer && strlen(url) > 6);
    snprintf(issuer, sizeof issuer, "%.*s", (int)(strlen(url) - strlen("/token")), url);
    size_t ran = 0;
    for (size_t i = 0; i < sizeof WIRE_TESTS / sizeof WIRE_TESTS[0]; i++) {
        if (only != NULL && strcmp(only, WIRE_TESTS[i].setting) != 0) continue;
        WIRE_TESTS[i].run();
        printf("ok %s\n", WIRE_TESTS[i].setting);
        ran++;
    }
    CHECK(ran > 0);
    ooauthcc_test_server_free(server);
    free(callback_key);
    printf("%zu settings checked on the wire\n", ran);
    return 0;
}
