/*
 * The happy path through the whole C API: version, config (setters, JSON,
 * TOML), client, token (waiting or never blocking, and the timeout
 * constants), header, invalidate, statistics, clone, destinations, log
 * callback (and who frees its user_data), and the bundled server.
 */
#include "common.h"
#include "wire_helpers.h"

#include <stdatomic.h>

/* One counter of the client's cache entry. */
static uint64_t stat(const ooauthcc_client *client, ooauthcc_stat which) {
    uint64_t value = UINT64_MAX;
    TRY(ooauthcc_client_stat, client, which, &value);
    return value;
}

/* The token the cache may serve, or NULL: never blocks. */
static ooauthcc_token *cached(const ooauthcc_client *client) {
    ooauthcc_token *token = (ooauthcc_token *)&token; /* not NULL: the call writes NULL for none */
    TRY(ooauthcc_client_cached_token, client, &token);
    return token;
}

static void test_version(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", OOAUTHCC_VERSION_MAJOR, OOAUTHCC_VERSION_MINOR,
             OOAUTHCC_VERSION_PATCH);
    CHECK(strcmp(ooauthcc_version(), OOAUTHCC_VERSION_STRING) == 0);
    CHECK(strcmp(ooauthcc_version(), expected) == 0);
    CHECK(strcmp(ooauthcc_status_name(OOAUTHCC_STATUS_OK), "ok") == 0);
    CHECK(strcmp(ooauthcc_status_name(OOAUTHCC_STATUS_OAUTH), "oauth") == 0);
    CHECK(strcmp(ooauthcc_status_name(12345), "unknown") == 0);
    CHECK(OOAUTHCC_STATUS_CONFIG == 3 && OOAUTHCC_STATUS_TRANSPORT == 10 && OOAUTHCC_STATUS_INTERNAL == 99);
}

static void test_token_and_header(void) {
    ooauthcc_test_server *server = start_server("basic", "basic-secret");
    ooauthcc_config *cfg = config_for(server, "basic", "basic-secret");
    TRY(ooauthcc_config_add_scope, cfg, "orders.read");
    TRY(ooauthcc_config_add_scope, cfg, "orders.write");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);

    /* Nothing cached yet: none, and no request sent for it. */
    CHECK(cached(client) == NULL);
    CHECK(requests(server, "basic") == 0);

    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    const char *access = ooauthcc_token_access_token(token);
    CHECK(strncmp(access, "at_", 3) == 0);
    CHECK(ooauthcc_token_access_token_len(token) == strlen(access));
    CHECK(strcmp(ooauthcc_token_token_type(token), "Bearer") == 0);
    CHECK(ooauthcc_token_expires_at_unix_ms(token) > now_unix_ms() + 3500 * 1000);
    CHECK(ooauthcc_token_lifetime_ms(token) == 3600 * 1000);
    CHECK(contains(ooauthcc_token_scope(token), "orders.read"));
    CHECK(strcmp(ooauthcc_token_extra_json(token), "{}") == 0);
    CHECK(!ooauthcc_token_is_expired(token));
    CHECK(ooauthcc_test_server_token_url(server) != NULL);
    bool valid = false;
    TRY(ooauthcc_test_server_is_valid_token, server, access, &valid);
    CHECK(valid);

    /* From the cache: the same token (the same handle, one more reference). */
    ooauthcc_token *again = NULL;
    TRY(ooauthcc_client_get_token, client, 1000, &again);
    CHECK(strcmp(ooauthcc_token_access_token(again), access) == 0);
    CHECK(requests(server, "basic") == 1);
    ooauthcc_token *copy = ooauthcc_token_clone(again);
    ooauthcc_token_free(again);
    CHECK(strcmp(ooauthcc_token_access_token(copy), access) == 0);
    ooauthcc_token_free(copy);
    /* Never blocking: the same token, still one request. */
    ooauthcc_token *peeked = cached(client);
    CHECK(peeked != NULL && strcmp(ooauthcc_token_access_token(peeked), access) == 0);
    ooauthcc_token_free(peeked);
    CHECK(requests(server, "basic") == 1);

    /* The header, fetched or from a token in hand. */
    ooauthcc_header *header = NULL;
    TRY(ooauthcc_client_get_header, client, OOAUTHCC_TIMEOUT_CONFIGURED, &header);
    CHECK(strcmp(ooauthcc_header_name(header), "Authorization") == 0);
    CHECK(strncmp(ooauthcc_header_value(header), "Bearer ", 7) == 0);
    CHECK(strcmp(ooauthcc_header_value(header) + 7, access) == 0);
    CHECK(strncmp(ooauthcc_header_line(header), "Authorization: Bearer at_", 25) == 0);
    CHECK(strcmp(ooauthcc_header_access_token(header), access) == 0);
    ooauthcc_header_free(header);
    TRY(ooauthcc_client_header_for_token, client, token, &header);
    CHECK(strcmp(ooauthcc_header_access_token(header), access) == 0);
    ooauthcc_header_free(header);
    CHECK(strcmp(ooauthcc_client_header_name(client), "Authorization") == 0);
    CHECK(ooauthcc_client_query_param(client) == NULL);

    /* Compare-and-invalidate: a wrong token changes nothing, the right one is dropped once. */
    bool dropped = true;
    TRY(ooauthcc_client_invalidate, client, "at_not-the-token", &dropped);
    CHECK(!dropped);
    TRY(ooauthcc_client_invalidate, client, access, &dropped);
    CHECK(dropped);
    TRY(ooauthcc_client_invalidate, client, access, NULL);
    CHECK(cached(client) == NULL); /* dropped: nothing to serve until the next fetch */
    ooauthcc_token *fresh = NULL;
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_FOREVER, &fresh);
    CHECK(strcmp(ooauthcc_token_access_token(fresh), access) != 0);
    CHECK(requests(server, "basic") == 2);
    /* The old token stays readable while we hold it. */
    CHECK(strncmp(ooauthcc_token_access_token(token), "at_", 3) == 0);
    ooauthcc_token_free(token);

    /* A clone outlives the original reference. */
    ooauthcc_client *clone = ooauthcc_client_clone(client);
    ooauthcc_client_free(client);
    ooauthcc_token *via_clone = NULL;
    TRY(ooauthcc_client_get_token, clone, OOAUTHCC_TIMEOUT_CONFIGURED, &via_clone);
    CHECK(strcmp(ooauthcc_token_access_token(via_clone), ooauthcc_token_access_token(fresh)) == 0);
    CHECK(stat(clone, OOAUTHCC_STAT_TOKEN_REQUESTS) == 2 && stat(clone, OOAUTHCC_STAT_FETCHES) == 2);
    CHECK(stat(clone, OOAUTHCC_STAT_FAILURES) == 0 && stat(clone, OOAUTHCC_STAT_BACKGROUND_REFRESHES) == 0);
    CHECK(stat(clone, OOAUTHCC_STAT_CACHE_HITS) >= 3 && stat(clone, OOAUTHCC_STAT_WAITS) == 2);
    CHECK(stat(clone, OOAUTHCC_STAT_STORE_HITS) == 0 && stat(clone, OOAUTHCC_STAT_STORE_ERRORS) == 0);
    ooauthcc_token_free(via_clone);
    ooauthcc_token_free(fresh);
    ooauthcc_client_free(clone);
    ooauthcc_test_server_free(server);
}

/* OOAUTHCC_TIMEOUT_CONFIGURED waits the config's get_timeout, OOAUTHCC_TIMEOUT_FOREVER as long as
 * the fetch takes, and ooauthcc_client_cached_token never waits for it. */
static void test_timeouts_and_never_blocking(void) {
    ooauthcc_test_server *server = start_server("slow", "slow-secret");
    TRY(ooauthcc_test_server_set_latency_ms, server, 3000);
    ooauthcc_config *cfg = config_for(server, "slow", "slow-secret");
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, 100);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);

    ooauthcc_token *token = NULL;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_TIMEOUT, ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    ooauthcc_error_free(err);
    CHECK(token == NULL);
    /* The request goes on (a caller giving up never cancels it) and takes 3 s: nothing to serve
     * yet, and this call does not wait for it. */
    CHECK(cached(client) == NULL);
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_FOREVER, &token);
    CHECK(requests(server, "slow") == 1); /* both callers, one request */
    ooauthcc_token *peeked = cached(client);
    CHECK(peeked != NULL && strcmp(ooauthcc_token_access_token(peeked), ooauthcc_token_access_token(token)) == 0);
    CHECK(stat(client, OOAUTHCC_STAT_WAITS) == 2 && stat(client, OOAUTHCC_STAT_FETCHES) == 1);
    ooauthcc_token_free(peeked);
    ooauthcc_token_free(token);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

/* The counters are numbered from 0 without gaps and named as in Rust and Python. */
static void test_stat_names(void) {
    static const char *const names[] = {"token_requests", "cache_hits", "waits", "background_refreshes",
                                        "failures", "fetches", "store_hits", "store_waits", "store_errors",
                                        "store_rejected"};
    uint32_t n = 0;
    while (ooauthcc_stat_name(n) != NULL) n++;
    CHECK(n == sizeof names / sizeof names[0]);
    for (uint32_t i = 0; i < n; i++) CHECK(strcmp(ooauthcc_stat_name(i), names[i]) == 0);
    CHECK(OOAUTHCC_STAT_TOKEN_REQUESTS == 0 && OOAUTHCC_STAT_STORE_REJECTED == 9);
}

/* JSON and TOML documents use the Rust/Python field names; equal settings share one cache entry. */
static void test_documents_share_the_cache(void) {
    ooauthcc_test_server *server = start_server("docs", "docs-secret");
    ooauthcc_config *cfg = config_for(server, "docs", "docs-secret");
    ooauthcc_client *by_setters = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *a = NULL;
    TRY(ooauthcc_client_get_token, by_setters, OOAUTHCC_TIMEOUT_CONFIGURED, &a);

    char json[512];
    snprintf(json, sizeof json,
             "{\"token_url\": \"%s\", \"client_id\": \"docs\", \"client_secret\": \"docs-secret\","
             " \"retry_base_delay\": 0.02, \"get_timeout\": 10}",
             ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_from_json, json, &cfg);
    TRY(ooauthcc_config_validate, cfg);
    ooauthcc_client *by_json = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *b = NULL;
    TRY(ooauthcc_client_get_token, by_json, OOAUTHCC_TIMEOUT_CONFIGURED, &b);
    CHECK(strcmp(ooauthcc_token_access_token(a), ooauthcc_token_access_token(b)) == 0);

    char toml[512];
    snprintf(toml, sizeof toml, "token_url = \"%s\"\nclient_id = \"docs\"\nclient_secret = \"docs-secret\"\n",
             ooauthcc_test_server_token_url(server));
    TRY(ooauthcc_config_from_toml, toml, &cfg);
    ooauthcc_client *by_toml = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *c = NULL;
    TRY(ooauthcc_client_get_token, by_toml, OOAUTHCC_TIMEOUT_CONFIGURED, &c);
    /* Retry and timeout settings differ, but they do not change the token: same entry. */
    CHECK(strcmp(ooauthcc_token_access_token(a), ooauthcc_token_access_token(c)) == 0);
    CHECK(requests(server, "docs") == 1);

    ooauthcc_token_free(a);
    ooauthcc_token_free(b);
    ooauthcc_token_free(c);
    ooauthcc_client_free(by_setters);
    ooauthcc_client_free(by_json);
    ooauthcc_client_free(by_toml);
    ooauthcc_test_server_free(server);
}

/* Every setter reaches core with a valid value; validation accepts the result. */
static void test_every_setting(void) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, "https://idp.example.com/oauth2/token");
    TRY(ooauthcc_config_set_client_id, cfg, "every-setting");
    TRY(ooauthcc_config_set_client_secret, cfg, "s3cr3t");
    TRY(ooauthcc_config_add_scope, cfg, "a");
    TRY(ooauthcc_config_set_scope_delimiter, cfg, OOAUTHCC_SCOPE_DELIMITER_COMMA);
    TRY(ooauthcc_config_set_scope_param, cfg, "scp");
    TRY(ooauthcc_config_set_audience, cfg, "https://api.example.com");
    TRY(ooauthcc_config_add_resource, cfg, "https://api.example.com/orders");
    TRY(ooauthcc_config_add_extra_param, cfg, "tenant", "t1");
    TRY(ooauthcc_config_add_extra_header, cfg, "X-Api-Key", "k");
    TRY(ooauthcc_config_add_cookie, cfg, "session", "abc");
    TRY(ooauthcc_config_set_grant_type, cfg, "client_credentials");
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_AUTO);
    TRY(ooauthcc_config_set_basic_encoding, cfg, OOAUTHCC_BASIC_ENCODING_RFC7617);
    TRY(ooauthcc_config_set_token_path, cfg, "data.token");
    TRY(ooauthcc_config_set_default_lifetime_ms, cfg, 120000);
    TRY(ooauthcc_config_set_connect_timeout_ms, cfg, 2000);
    TRY(ooauthcc_config_set_request_timeout_ms, cfg, 5000);
    TRY(ooauthcc_config_set_get_timeout_ms, cfg, 5000);
    TRY(ooauthcc_config_set_refresh_skew_ms, cfg, 30000);
    TRY(ooauthcc_config_set_refresh_ahead, cfg, 0.7);
    TRY(ooauthcc_config_set_refresh_jitter, cfg, 0.1);
    TRY(ooauthcc_config_set_max_retries, cfg, 5);
    TRY(ooauthcc_config_set_retry_base_delay_ms, cfg, 100);
    TRY(ooauthcc_config_set_retry_max_delay_ms, cfg, 1000);
    TRY(ooauthcc_config_set_allow_insecure_http, cfg, true);
    TRY(ooauthcc_config_set_token_prefix, cfg, "Token");
    TRY(ooauthcc_config_set_header_name, cfg, "X-Auth");
    TRY(ooauthcc_config_set_query_param, cfg, "access_token");
    TRY(ooauthcc_config_add_allowed_host, cfg, "*.example.com");
    TRY(ooauthcc_config_validate, cfg);
    ooauthcc_client *client = client_from(cfg);
    CHECK(strcmp(ooauthcc_client_header_name(client), "x-auth") == 0 ||
          strcmp(ooauthcc_client_header_name(client), "X-Auth") == 0);
    CHECK(strcmp(ooauthcc_client_query_param(client), "access_token") == 0);
    TRY(ooauthcc_client_check_destination, client, "https://api.example.com/orders");
    ooauthcc_client_free(client);

    /* The empty string unsets optional settings. */
    TRY(ooauthcc_config_set_query_param, cfg, "");
    TRY(ooauthcc_config_set_audience, cfg, "");
    client = client_from(cfg);
    CHECK(ooauthcc_client_query_param(client) == NULL);
    ooauthcc_client_free(client);

    /* Credential sources and client assertions. */
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_CLIENT_SECRET_JWT);
    TRY(ooauthcc_config_set_signing_alg, cfg, "HS256");
    TRY(ooauthcc_config_set_key_id, cfg, "kid-1");
    TRY(ooauthcc_config_set_assertion_audience, cfg, "https://idp.example.com");
    TRY(ooauthcc_config_set_assertion_lifetime_ms, cfg, 30000);
    TRY(ooauthcc_config_validate, cfg);
    TRY(ooauthcc_config_set_client_secret_env, cfg, "OOAUTHCC_TEST_SECRET"); /* two sources now */
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_config_validate, cfg);
    CHECK(contains(ooauthcc_error_message(err), "client_secret"));
    ooauthcc_error_free(err);
    ooauthcc_config_free(cfg);

    cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, "https://idp.example.com/oauth2/token");
    TRY(ooauthcc_config_set_client_id, cfg, "file-secret");
    TRY(ooauthcc_config_set_client_secret_file, cfg, "/run/secrets/client_secret");
    TRY(ooauthcc_config_validate, cfg);
    TRY(ooauthcc_config_set_client_secret_file, cfg, "");
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_PRIVATE_KEY_JWT);
    TRY(ooauthcc_config_set_private_key_env, cfg, "OOAUTHCC_TEST_KEY");
    TRY(ooauthcc_config_validate, cfg);
    TRY(ooauthcc_config_set_private_key_env, cfg, "");
    TRY(ooauthcc_config_set_private_key_file, cfg, "/run/secrets/key.pem");
    TRY(ooauthcc_config_validate, cfg);
    TRY(ooauthcc_config_set_private_key, cfg, "not a pem");
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_config_validate, cfg);
    ooauthcc_error_free(err);

    /* Mutual TLS and private trust anchors: reached, and their PEM checked by core. */
    TRY(ooauthcc_config_set_private_key, cfg, "");
    TRY(ooauthcc_config_set_private_key_file, cfg, "");
    TRY(ooauthcc_config_set_auth_method, cfg, OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH);
    TRY(ooauthcc_config_set_client_cert, cfg, "not a certificate");
    TRY(ooauthcc_config_set_client_key, cfg, "not a key");
    TRY(ooauthcc_config_set_client_cert_file, cfg, "");
    TRY(ooauthcc_config_set_client_key_file, cfg, "");
    TRY(ooauthcc_config_set_ca_bundle, cfg, "");
    TRY(ooauthcc_config_set_ca_bundle_file, cfg, "");
    client = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_client_new, cfg, &client);
    CHECK(contains(ooauthcc_error_message(err), "client_cert") || contains(ooauthcc_error_message(err), "client_key"));
    ooauthcc_error_free(err);
    ooauthcc_config_free(cfg);
}

/* With only the issuer, the token endpoint comes from the server's RFC 8414 metadata. */
static void test_discovery(void) {
    ooauthcc_test_server *server = start_server("discovered", "s");
    char issuer[128];
    snprintf(issuer, sizeof issuer, "%s", ooauthcc_test_server_token_url(server));
    char *slash = strrchr(issuer, '/');
    CHECK(slash != NULL && strcmp(slash, "/token") == 0);
    *slash = '\0';
    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_issuer, cfg, issuer);
    TRY(ooauthcc_config_set_client_id, cfg, "discovered");
    TRY(ooauthcc_config_set_client_secret, cfg, "s");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, PATIENT_MS, &token);
    CHECK(requests(server, "discovered") == 1);
    ooauthcc_token_free(token);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

/* The user_data of a log callback: what it saw, and how often the library freed it. */
struct log_sink {
    atomic_int records;
    atomic_int leaks;
    atomic_int freed;
};
static struct log_sink sink_a, sink_b, sink_c;

static void on_log(void *user_data, const ooauthcc_log_record *rec) {
    CHECK(user_data == (void *)&sink_a || user_data == (void *)&sink_b);
    struct log_sink *sink = user_data;
    CHECK(atomic_load(&sink->freed) == 0); /* never called after its user_data was freed */
    CHECK(rec->level >= OOAUTHCC_LOG_LEVEL_ERROR && rec->level <= OOAUTHCC_LOG_LEVEL_TRACE);
    CHECK(strncmp(rec->target, "ooauthcc", 8) == 0);
    if (contains(rec->message, "log-secret") || contains(rec->message, "at_")) atomic_fetch_add(&sink->leaks, 1);
    atomic_fetch_add(&sink->records, 1);
}

static void free_sink(void *user_data) {
    atomic_fetch_add(&((struct log_sink *)user_data)->freed, 1);
}

/* free_sink runs once its registration is gone and no call of the callback is running: at once
 * here (no request is in flight), but allow a library thread a moment to return. */
static int freed_soon(struct log_sink *sink) {
    for (int i = 0; i < 100 && atomic_load(&sink->freed) == 0; i++) sleep_ms(10);
    return atomic_load(&sink->freed);
}

static void test_log_callback(void) {
    TRY(ooauthcc_set_log_callback, on_log, &sink_a, free_sink, OOAUTHCC_LOG_LEVEL_DEBUG);
    ooauthcc_test_server *server = start_server("logged", "log-secret");
    ooauthcc_config *cfg = config_for(server, "logged", "log-secret");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    TRY(ooauthcc_client_invalidate, client, ooauthcc_token_access_token(token), NULL);
    ooauthcc_token_free(token);
    CHECK(atomic_load(&sink_a.records) >= 2); /* "sending token request", "token obtained", "invalidated" */
    CHECK(atomic_load(&sink_a.leaks) == 0);

    /* The same user_data and free function again (another level): carried over, not freed. */
    TRY(ooauthcc_set_log_callback, on_log, &sink_a, free_sink, OOAUTHCC_LOG_LEVEL_WARN);
    CHECK(atomic_load(&sink_a.freed) == 0);
    /* Replaced: freed once. */
    TRY(ooauthcc_set_log_callback, on_log, &sink_b, free_sink, OOAUTHCC_LOG_LEVEL_DEBUG);
    CHECK(freed_soon(&sink_a) == 1);
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    ooauthcc_token_free(token);
    CHECK(atomic_load(&sink_b.records) >= 1 && atomic_load(&sink_b.leaks) == 0);
    /* A failed call takes nothing. */
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_set_log_callback, on_log, &sink_c, free_sink, 6);
    ooauthcc_error_free(err);

    /* Logging off: the current registration is freed; a call that installs nothing takes nothing. */
    TRY(ooauthcc_set_log_callback, NULL, NULL, NULL, OOAUTHCC_LOG_LEVEL_OFF);
    CHECK(freed_soon(&sink_b) == 1);
    TRY(ooauthcc_set_log_callback, on_log, &sink_c, free_sink, OOAUTHCC_LOG_LEVEL_OFF);
    int before = atomic_load(&sink_b.records);
    TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    ooauthcc_token_free(token);
    CHECK(atomic_load(&sink_b.records) == before);
    CHECK(atomic_load(&sink_a.freed) == 1 && atomic_load(&sink_b.freed) == 1 && atomic_load(&sink_c.freed) == 0);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

/* The methods `client_id`'s token requests used, in order, joined by spaces. */
static void methods_used(const ooauthcc_test_server *server, const char *client_id, char *out, size_t cap) {
    size_t n = 0;
    out[0] = 0;
    TRY(ooauthcc_test_server_recorded_count, server, &n);
    for (size_t i = 0; i < n; i++) {
        ooauthcc_test_request *r = NULL;
        TRY(ooauthcc_test_server_recorded_request, server, i, &r);
        const char *id = ooauthcc_test_request_client_id(r), *used = ooauthcc_test_request_auth_used(r);
        if (id != NULL && used != NULL && strcmp(id, client_id) == 0) {
            size_t len = strlen(out);
            snprintf(out + len, cap - len, "%s%s", len ? " " : "", used);
        }
        ooauthcc_test_request_free(r);
    }
}

/* With no auth_method set (auto), a client the server takes only in the body
 * and one it takes only with Basic both get tokens; the fallback costs one
 * request once. A wrong secret costs two requests, then is held. */
static void test_auth_method_defaults_to_auto(void) {
    ooauthcc_test_server *server = NULL;
    TRY(ooauthcc_test_server_start, &server);
    TRY(ooauthcc_test_server_register_client_with, server, "default-post", "s1", "post", "", "", "");
    TRY(ooauthcc_test_server_register_client_with, server, "default-basic", "s1", "basic", "", "", "");
    TRY(ooauthcc_test_server_register_client, server, "default-wrong", "the-right-secret");
    const char *ids[] = {"default-post", "default-basic"};
    for (int c = 0; c < 2; c++) {
        ooauthcc_config *cfg = config_for(server, ids[c], "s1");
        ooauthcc_client *client = client_from(cfg);
        ooauthcc_config_free(cfg);
        for (int i = 0; i < 2; i++) {
            ooauthcc_token *token = NULL;
            TRY(ooauthcc_client_get_token, client, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
            bool valid = false, dropped = false;
            TRY(ooauthcc_test_server_is_valid_token, server, ooauthcc_token_access_token(token), &valid);
            CHECK(valid);
            TRY(ooauthcc_client_invalidate, client, ooauthcc_token_access_token(token), &dropped);
            CHECK(dropped);
            ooauthcc_token_free(token);
        }
        ooauthcc_client_free(client);
    }
    char used[256];
    methods_used(server, "default-post", used, sizeof used);
    CHECK_STR(used, "client_secret_basic client_secret_post client_secret_post");
    methods_used(server, "default-basic", used, sizeof used);
    CHECK_STR(used, "client_secret_basic client_secret_basic");

    ooauthcc_config *cfg = config_for(server, "default-wrong", "a-wrong-secret");
    ooauthcc_client *wrong = client_from(cfg);
    ooauthcc_config_free(cfg);
    for (int i = 0; i < 2; i++) {
        ooauthcc_token *token = NULL;
        ooauthcc_error *err = NULL;
        CHECK(ooauthcc_client_get_token(wrong, OOAUTHCC_TIMEOUT_CONFIGURED, &token, &err) == OOAUTHCC_STATUS_OAUTH);
        CHECK_STR(ooauthcc_error_oauth_error(err), "invalid_client");
        ooauthcc_error_free(err);
    }
    methods_used(server, "default-wrong", used, sizeof used);
    CHECK_STR(used, "client_secret_basic client_secret_post"); /* the second call took the held refusal */
    ooauthcc_client_free(wrong);
    ooauthcc_test_server_free(server);
}

/* ooauthcc_client_write_header_value: the header value into the caller's
 * buffer (fetching first on an empty cache), the length needed when the buffer
 * is too small, and the same text ooauthcc_header_value gives. */
static void test_write_header_value(void) {
    ooauthcc_test_server *server = start_server("write-header", "s1");
    ooauthcc_config *cfg = config_for(server, "write-header", "s1");
    TRY(ooauthcc_config_set_header_format, cfg, "Token {token}; v=1");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    char buf[512];
    size_t len = 0;
    TRY(ooauthcc_client_write_header_value, client, OOAUTHCC_TIMEOUT_CONFIGURED, buf, sizeof buf, &len); /* fetches */
    CHECK(requests(server, "write-header") == 1);
    CHECK(len == strlen(buf) && strncmp(buf, "Token at_", 9) == 0 && contains(buf, "; v=1"));
    ooauthcc_header *header = NULL;
    TRY(ooauthcc_client_get_header, client, OOAUTHCC_TIMEOUT_CONFIGURED, &header);
    CHECK_STR(buf, ooauthcc_header_value(header));
    ooauthcc_header_free(header);

    /* Cached: the same, and no request. Too small: the length needed, buf untouched. */
    size_t again = 0;
    TRY(ooauthcc_client_write_header_value, client, OOAUTHCC_TIMEOUT_CONFIGURED, buf, sizeof buf, &again);
    CHECK(again == len && requests(server, "write-header") == 1);
    char small[8] = "unused";
    size_t needed = 0;
    ooauthcc_error *err = NULL;
    CHECK(ooauthcc_client_write_header_value(client, 0, small, len, &needed, &err) == OOAUTHCC_STATUS_INVALID_ARGUMENT);
    CHECK(needed == len && contains(ooauthcc_error_message(err), "too small"));
    CHECK(!contains(ooauthcc_error_message(err), "at_"));
    ooauthcc_error_free(err);
    CHECK(strcmp(small, "unused") == 0);
    needed = 0;
    CHECK(ooauthcc_client_write_header_value(client, 0, NULL, 0, &needed, NULL) == OOAUTHCC_STATUS_INVALID_ARGUMENT);
    CHECK(needed == len);
    CHECK(ooauthcc_client_write_header_value(client, 0, NULL, 4, &needed, NULL) == OOAUTHCC_STATUS_NULL_ARGUMENT);
    CHECK(ooauthcc_client_write_header_value(client, 0, buf, sizeof buf, NULL, NULL) == OOAUTHCC_STATUS_NULL_ARGUMENT);
    CHECK(ooauthcc_client_write_header_value(NULL, 0, buf, sizeof buf, &needed, NULL) == OOAUTHCC_STATUS_NULL_ARGUMENT);
    memset(buf, 0, sizeof buf); /* it held the token */
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

int main(void) {
    test_version();
    test_token_and_header();
    test_timeouts_and_never_blocking();
    test_stat_names();
    test_documents_share_the_cache();
    test_every_setting();
    test_discovery();
    test_log_callback();
    test_auth_method_defaults_to_auto();
    test_write_header_value();
    printf("test_basic: ok\n");
    return 0;
}
