/*
 * Every error kind a C caller can reach, with its code, message, HTTP status
 * and OAuth fields; and the rules "outputs only on success", "*err untouched
 * on success".
 */
#include "common.h"

/* A client for `id` at `server` that does not retry (errors come at once). */
static ooauthcc_client *no_retry_client(const ooauthcc_test_server *server, const char *id, const char *secret) {
    ooauthcc_config *cfg = config_for(server, id, secret);
    TRY(ooauthcc_config_set_max_retries, cfg, 0);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    return client;
}

/* get_token fails with `want`; returns the error (caller frees). */
static ooauthcc_error *get_fails(const ooauthcc_client *client, uint64_t timeout_ms, ooauthcc_status want) {
    ooauthcc_token *sentinel = (ooauthcc_token *)(uintptr_t)0x1;
    ooauthcc_token *out = sentinel;
    ooauthcc_error *err = NULL;
    EXPECT(&err, want, ooauthcc_client_get_token, client, timeout_ms, &out);
    CHECK(out == sentinel); /* outputs are written only on success */
    CHECK(ooauthcc_error_message(err) != NULL && strlen(ooauthcc_error_message(err)) > 0);
    return err;
}

static void test_wrong_secret(void) {
    ooauthcc_test_server *server = start_server("wrong", "right-secret");
    ooauthcc_client *client = no_retry_client(server, "wrong", "not-the-secret");
    ooauthcc_error *err = get_fails(client, OOAUTHCC_TIMEOUT_CONFIGURED, OOAUTHCC_STATUS_OAUTH);
    CHECK(ooauthcc_error_status(err) == 13);
    CHECK(ooauthcc_error_http_status(err) == 401);
    CHECK(strcmp(ooauthcc_error_oauth_error(err), "invalid_client") == 0);
    CHECK(contains(ooauthcc_error_message(err), "invalid_client"));
    CHECK(!contains(ooauthcc_error_message(err), "not-the-secret"));
    CHECK(!ooauthcc_error_is_retryable(err));
    CHECK(ooauthcc_error_retry_after_ms(err) == 0);
    ooauthcc_error_free(err);
    /* The failure is remembered: asking again does not send another request. */
    err = get_fails(client, OOAUTHCC_TIMEOUT_CONFIGURED, OOAUTHCC_STATUS_OAUTH);
    ooauthcc_error_free(err);
    CHECK(requests(server, "wrong") == REFUSED_FETCH_REQUESTS);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

static void test_connection_refused(void) {
    /* A server that was started and stopped: nothing listens on its port now. */
    ooauthcc_test_server *gone = start_server("refused", "s");
    char url[128];
    snprintf(url, sizeof url, "%s", ooauthcc_test_server_token_url(gone));
    ooauthcc_test_server_free(gone);

    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, url);
    TRY(ooauthcc_config_set_client_id, cfg, "refused");
    TRY(ooauthcc_config_set_client_secret, cfg, "s");
    TRY(ooauthcc_config_set_max_retries, cfg, 0);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_error *err = get_fails(client, PATIENT_MS, OOAUTHCC_STATUS_TRANSPORT);
    CHECK(ooauthcc_error_http_status(err) == 0);
    CHECK(ooauthcc_error_oauth_error(err) == NULL);
    CHECK(ooauthcc_error_oauth_error_description(err) == NULL);
    CHECK(ooauthcc_error_is_retryable(err));
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);
}

static void test_timeout(void) {
    ooauthcc_test_server *server = start_server("slow", "s");
    TRY(ooauthcc_test_server_set_latency_ms, server, 600);
    ooauthcc_client *client = no_retry_client(server, "slow", "s");
    ooauthcc_error *err = get_fails(client, 50, OOAUTHCC_STATUS_TIMEOUT);
    CHECK(contains(ooauthcc_error_message(err), "in progress"));
    CHECK(ooauthcc_error_is_retryable(err));
    ooauthcc_error_free(err);
    /* The shared request went on: a patient caller gets its token, with no second request. */
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, PATIENT_MS, &token);
    CHECK(requests(server, "slow") == 1);
    ooauthcc_token_free(token);

    /* A request timeout (the server is slower than request_timeout). */
    ooauthcc_config *cfg = config_for(server, "slow", "s");
    TRY(ooauthcc_config_set_max_retries, cfg, 0);
    TRY(ooauthcc_config_add_scope, cfg, "other-entry");
    TRY(ooauthcc_config_set_request_timeout_ms, cfg, 100);
    ooauthcc_client *impatient = client_from(cfg);
    ooauthcc_config_free(cfg);
    err = get_fails(impatient, PATIENT_MS, OOAUTHCC_STATUS_TIMEOUT);
    ooauthcc_error_free(err);
    ooauthcc_client_free(impatient);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

/* One fault of the test server and the status it must produce. */
static void fault_gives(uint32_t fault, ooauthcc_status want, uint16_t http_status, const char *oauth_error) {
    char id[32];
    snprintf(id, sizeof id, "fault-%u", (unsigned)fault);
    ooauthcc_test_server *server = start_server(id, "s");
    TRY(ooauthcc_test_server_set_fault, server, fault, 0);
    ooauthcc_client *client = no_retry_client(server, id, "s");
    ooauthcc_error *err = get_fails(client, PATIENT_MS, want);
    CHECK(ooauthcc_error_http_status(err) == http_status);
    if (oauth_error) {
        CHECK(strcmp(ooauthcc_error_oauth_error(err), oauth_error) == 0);
        CHECK(ooauthcc_error_oauth_error_description(err) != NULL);
    } else {
        CHECK(ooauthcc_error_oauth_error(err) == NULL);
    }
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);

    /* Back to normal service. */
    TRY(ooauthcc_test_server_set_fault, server, OOAUTHCC_TEST_FAULT_NONE, 0);
    ooauthcc_config *cfg = config_for(server, id, "s");
    TRY(ooauthcc_config_add_scope, cfg, "after-fault"); /* another cache entry: no remembered failure */
    client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, PATIENT_MS, &token);
    ooauthcc_token_free(token);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

static void test_server_faults(void) {
    fault_gives(OOAUTHCC_TEST_FAULT_SERVER_ERROR, OOAUTHCC_STATUS_HTTP_STATUS, 500, NULL);
    fault_gives(OOAUTHCC_TEST_FAULT_TOO_MANY_REQUESTS, OOAUTHCC_STATUS_HTTP_STATUS, 429, NULL);
    fault_gives(OOAUTHCC_TEST_FAULT_NON_JSON, OOAUTHCC_STATUS_MALFORMED_RESPONSE, 200, NULL);
    fault_gives(OOAUTHCC_TEST_FAULT_EMPTY_BODY, OOAUTHCC_STATUS_MALFORMED_RESPONSE, 200, NULL);
    fault_gives(OOAUTHCC_TEST_FAULT_OVERSIZED, OOAUTHCC_STATUS_MALFORMED_RESPONSE, 200, NULL);
    fault_gives(OOAUTHCC_TEST_FAULT_ERROR_IN200, OOAUTHCC_STATUS_OAUTH, 200, "invalid_request");
    fault_gives(OOAUTHCC_TEST_FAULT_CLOSE_MID_BODY, OOAUTHCC_STATUS_TRANSPORT, 0, NULL);
    fault_gives(OOAUTHCC_TEST_FAULT_INVALID_UTF8, OOAUTHCC_STATUS_MALFORMED_RESPONSE, 200, NULL);
    fault_gives(OOAUTHCC_TEST_FAULT_DEEPLY_NESTED, OOAUTHCC_STATUS_MALFORMED_RESPONSE, 200, NULL);
}

/* The faults with a parameter; `times` limits them (the rest: test_fault_matrix). */
static void test_parameterised_faults(void) {
    ooauthcc_test_server *server = start_server("oauth-fault", "s");
    TRY(ooauthcc_test_server_set_fault_oauth_error, server, 400, "invalid_scope", "no such scope",
        "https://idp.example/errors", 1);
    ooauthcc_client *client = no_retry_client(server, "oauth-fault", "s");
    ooauthcc_error *err = get_fails(client, PATIENT_MS, OOAUTHCC_STATUS_OAUTH);
    CHECK(ooauthcc_error_http_status(err) == 400);
    CHECK(strcmp(ooauthcc_error_oauth_error(err), "invalid_scope") == 0);
    CHECK(strcmp(ooauthcc_error_oauth_error_description(err), "no such scope") == 0);
    CHECK(strcmp(ooauthcc_error_oauth_error_uri(err), "https://idp.example/errors") == 0);
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);

    /* A 503 with Retry-After once, then normal service: the retry waits and succeeds. */
    TRY(ooauthcc_test_server_set_fault_status, server, 503, "1", 1);
    ooauthcc_config *cfg = config_for(server, "oauth-fault", "s");
    TRY(ooauthcc_config_add_scope, cfg, "retried");
    client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, PATIENT_MS, &token);
    ooauthcc_token_free(token);
    CHECK(requests(server, "oauth-fault") == 3);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

/* client_new fails with CONFIG and a message naming `setting`. */
static void config_error_names(ooauthcc_config *cfg, const char *setting) {
    ooauthcc_client *sentinel = (ooauthcc_client *)(uintptr_t)0x1;
    ooauthcc_client *client = sentinel;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_client_new, cfg, &client);
    CHECK(client == sentinel);
    if (!contains(ooauthcc_error_message(err), setting)) {
        fprintf(stderr, "expected `%s` in: %s\n", setting, ooauthcc_error_message(err));
        exit(1);
    }
    ooauthcc_error_free(err);
    ooauthcc_config_free(cfg);
}

static ooauthcc_config *valid_config(void) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, "https://idp.example.com/token");
    TRY(ooauthcc_config_set_client_id, cfg, "cfg-errors");
    TRY(ooauthcc_config_set_client_secret, cfg, "s");
    return cfg;
}

static void test_config_errors(void) {
    config_error_names(ooauthcc_config_new(), "token_url");
    ooauthcc_config *cfg = valid_config();
    TRY(ooauthcc_config_set_client_id, cfg, "");
    config_error_names(cfg, "client_id");
    cfg = ooauthcc_config_new();
    TRY(ooauthcc_config_set_token_url, cfg, "https://idp.example.com/token");
    TRY(ooauthcc_config_set_client_id, cfg, "no-secret");
    config_error_names(cfg, "client_secret");
    cfg = valid_config();
    TRY(ooauthcc_config_set_token_url, cfg, "http://idp.example.com/token");
    config_error_names(cfg, "allow_insecure_http");
    cfg = valid_config();
    TRY(ooauthcc_config_set_refresh_ahead, cfg, 1.5);
    config_error_names(cfg, "refresh_ahead");
    cfg = valid_config();
    TRY(ooauthcc_config_add_scope, cfg, "has space");
    config_error_names(cfg, "scopes");
    cfg = valid_config();
    TRY(ooauthcc_config_set_header_name, cfg, "bad header");
    config_error_names(cfg, "header_name");
    cfg = valid_config();
    TRY(ooauthcc_config_add_extra_param, cfg, "grant_type", "x");
    config_error_names(cfg, "extra_params");
    cfg = valid_config();
    TRY(ooauthcc_config_set_request_timeout_ms, cfg, 0);
    config_error_names(cfg, "request_timeout");

    /* Durations above a year are refused by the setter, like the JSON parser does. */
    cfg = valid_config();
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_config_set_get_timeout_ms, cfg, UINT64_MAX);
    CHECK(contains(ooauthcc_error_message(err), "get_timeout"));
    ooauthcc_error_free(err);
    /* An unknown enum value is an argument error, named. */
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_config_set_auth_method, cfg, 42);
    CHECK(contains(ooauthcc_error_message(err), "method"));
    ooauthcc_error_free(err);
    ooauthcc_config_free(cfg);
}

static void test_json_errors(void) {
    ooauthcc_config *sentinel = (ooauthcc_config *)(uintptr_t)0x1;
    ooauthcc_config *cfg = sentinel;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_config_from_json,
           "{\"token_url\": \"https://idp.example.com/t\", \"client_id\": \"x\", \"tokn_lifetime\": 5}", &cfg);
    CHECK(cfg == sentinel);
    CHECK(contains(ooauthcc_error_message(err), "tokn_lifetime"));
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_config_from_json, "{\"get_timeout\": -1}", &cfg);
    CHECK(contains(ooauthcc_error_message(err), "non-negative"));
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_config_from_json, "{not json", &cfg);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_config_from_json, "{\"auth_method\": \"magic\"}", &cfg);
    CHECK(contains(ooauthcc_error_message(err), "auth_method"));
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_config_from_toml, "tokn_url = 1", &cfg);
    CHECK(contains(ooauthcc_error_message(err), "tokn_url"));
    ooauthcc_error_free(err);
    CHECK(cfg == sentinel);
}

static void test_usage_and_argument_errors(void) {
    ooauthcc_config *cfg = valid_config();
    TRY(ooauthcc_config_add_allowed_host, cfg, "api.example.com");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_error *err = NULL;
    TRY(ooauthcc_client_check_destination, client, "https://api.example.com/orders");
    EXPECT(&err, OOAUTHCC_STATUS_USAGE, ooauthcc_client_check_destination, client, "https://evil.example.net/");
    CHECK(contains(ooauthcc_error_message(err), "allowed_hosts"));
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_USAGE, ooauthcc_client_check_destination, client, "http://api.example.com/");
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_client_check_destination, client, "not a url");
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);
}

/* On success `*err` is not touched; with err == NULL a failure is still reported by status. */
static void test_err_parameter_rules(void) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    ooauthcc_error *untouched = (ooauthcc_error *)(uintptr_t)0x1;
    CHECK(ooauthcc_config_set_client_id(cfg, "x", &untouched) == OOAUTHCC_STATUS_OK);
    CHECK(untouched == (ooauthcc_error *)(uintptr_t)0x1);
    CHECK(ooauthcc_config_set_client_id(cfg, NULL, NULL) == OOAUTHCC_STATUS_NULL_ARGUMENT);
    CHECK(ooauthcc_config_validate(cfg, NULL) == OOAUTHCC_STATUS_CONFIG);
    ooauthcc_config_free(cfg);
    /* Accessors on a NULL error. */
    CHECK(ooauthcc_error_status(NULL) == OOAUTHCC_STATUS_NULL_ARGUMENT);
    CHECK(ooauthcc_error_message(NULL) == NULL);
    CHECK(ooauthcc_error_http_status(NULL) == 0);
    CHECK(ooauthcc_error_oauth_error(NULL) == NULL);
    CHECK(ooauthcc_error_oauth_error_description(NULL) == NULL);
    CHECK(ooauthcc_error_oauth_error_uri(NULL) == NULL);
    CHECK(!ooauthcc_error_is_retryable(NULL));
    CHECK(ooauthcc_error_retry_after_ms(NULL) == 0);
}

int main(void) {
    test_wrong_secret();
    test_connection_refused();
    test_timeout();
    test_server_faults();
    test_parameterised_faults();
    test_config_errors();
    test_json_errors();
    test_usage_and_argument_errors();
    test_err_parameter_rules();
    printf("test_errors: ok\n");
    return 0;
}
