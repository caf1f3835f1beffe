/*
 * NULL for every pointer argument and invalid UTF-8 for every string
 * argument, table-driven over the whole API: the documented status, an error
 * that names the argument, no crash, nothing written.
 */
#include "common.h"

static const char BAD_UTF8[] = {(char)0xff, (char)0xfe, 'x', 0};

/* The status `got` is `want`, and the error in `*errp` says so and names `arg`; frees it. */
static void expect_arg_error(const char *what, ooauthcc_status got, ooauthcc_error **errp, ooauthcc_status want,
                             const char *arg) {
    ooauthcc_error *err = *errp; /* read after the call (argument order is unspecified in C) */
    *errp = NULL;
    if (got != want || err == NULL || ooauthcc_error_status(err) != want ||
        (arg && !contains(ooauthcc_error_message(err), arg))) {
        fprintf(stderr, "%s: status %u (%s), expected %u; message: %s; expected it to name `%s`\n", what,
                (unsigned)got, ooauthcc_status_name(got), (unsigned)want,
                err ? ooauthcc_error_message(err) : "(none)", arg ? arg : "");
        exit(1);
    }
    ooauthcc_error_free(err);
}

typedef ooauthcc_status (*str_setter)(ooauthcc_config *, const char *, ooauthcc_error **);
typedef ooauthcc_status (*pair_setter)(ooauthcc_config *, const char *, const char *, ooauthcc_error **);
typedef ooauthcc_status (*u64_setter)(ooauthcc_config *, uint64_t, ooauthcc_error **);
typedef ooauthcc_status (*u32_setter)(ooauthcc_config *, uint32_t, ooauthcc_error **);
typedef ooauthcc_status (*f64_setter)(ooauthcc_config *, double, ooauthcc_error **);

#define ENTRY(fn) {#fn, fn}

static const struct { const char *name; str_setter fn; } STR_SETTERS[] = {
    ENTRY(ooauthcc_config_set_token_url),       ENTRY(ooauthcc_config_set_client_id),
    ENTRY(ooauthcc_config_set_client_secret),   ENTRY(ooauthcc_config_set_client_secret_file),
    ENTRY(ooauthcc_config_set_client_secret_env), ENTRY(ooauthcc_config_set_private_key),
    ENTRY(ooauthcc_config_set_private_key_file), ENTRY(ooauthcc_config_set_private_key_env),
    ENTRY(ooauthcc_config_set_signing_alg),     ENTRY(ooauthcc_config_set_key_id),
    ENTRY(ooauthcc_config_set_assertion_audience), ENTRY(ooauthcc_config_add_scope),
    ENTRY(ooauthcc_config_set_scope_param),     ENTRY(ooauthcc_config_set_audience),
    ENTRY(ooauthcc_config_add_resource),        ENTRY(ooauthcc_config_set_grant_type),
    ENTRY(ooauthcc_config_set_token_path),      ENTRY(ooauthcc_config_set_token_prefix),
    ENTRY(ooauthcc_config_set_header_name),     ENTRY(ooauthcc_config_set_query_param),
    ENTRY(ooauthcc_config_add_allowed_host),    ENTRY(ooauthcc_config_set_issuer),
    ENTRY(ooauthcc_config_set_client_cert),     ENTRY(ooauthcc_config_set_client_cert_file),
    ENTRY(ooauthcc_config_set_client_key),      ENTRY(ooauthcc_config_set_client_key_file),
    ENTRY(ooauthcc_config_set_ca_bundle),       ENTRY(ooauthcc_config_set_ca_bundle_file),
};

static const struct { const char *name; pair_setter fn; } PAIR_SETTERS[] = {
    ENTRY(ooauthcc_config_add_extra_param),
    ENTRY(ooauthcc_config_add_extra_header),
    ENTRY(ooauthcc_config_add_cookie),
};

static const struct { const char *name; u64_setter fn; } U64_SETTERS[] = {
    ENTRY(ooauthcc_config_set_default_lifetime_ms), ENTRY(ooauthcc_config_set_connect_timeout_ms),
    ENTRY(ooauthcc_config_set_request_timeout_ms),  ENTRY(ooauthcc_config_set_get_timeout_ms),
    ENTRY(ooauthcc_config_set_refresh_skew_ms),     ENTRY(ooauthcc_config_set_assertion_lifetime_ms),
    ENTRY(ooauthcc_config_set_retry_base_delay_ms), ENTRY(ooauthcc_config_set_retry_max_delay_ms),
};

static const struct { const char *name; u32_setter fn; uint32_t bad; } ENUM_SETTERS[] = {
    {"ooauthcc_config_set_auth_method", ooauthcc_config_set_auth_method, 8},
    {"ooauthcc_config_set_basic_encoding", ooauthcc_config_set_basic_encoding, 2},
    {"ooauthcc_config_set_scope_delimiter", ooauthcc_config_set_scope_delimiter, 3},
};

static const struct { const char *name; f64_setter fn; } F64_SETTERS[] = {
    ENTRY(ooauthcc_config_set_refresh_ahead),
    ENTRY(ooauthcc_config_set_refresh_jitter),
};

static void test_config_setters(void) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    ooauthcc_error *err = NULL;
    for (size_t i = 0; i < sizeof STR_SETTERS / sizeof STR_SETTERS[0]; i++) {
        const char *n = STR_SETTERS[i].name;
        str_setter f = STR_SETTERS[i].fn;
        expect_arg_error(n, f(NULL, "x", &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
        expect_arg_error(n, f(cfg, NULL, &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "NULL");
        expect_arg_error(n, f(cfg, BAD_UTF8, &err), &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "UTF-8");
        CHECK(f(cfg, NULL, NULL) == OOAUTHCC_STATUS_NULL_ARGUMENT); /* no detail wanted */
    }
    for (size_t i = 0; i < sizeof PAIR_SETTERS / sizeof PAIR_SETTERS[0]; i++) {
        const char *n = PAIR_SETTERS[i].name;
        pair_setter f = PAIR_SETTERS[i].fn;
        expect_arg_error(n, f(NULL, "a", "b", &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
        expect_arg_error(n, f(cfg, NULL, "b", &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "name");
        expect_arg_error(n, f(cfg, "a", NULL, &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "value");
        expect_arg_error(n, f(cfg, BAD_UTF8, "b", &err), &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "name");
        expect_arg_error(n, f(cfg, "a", BAD_UTF8, &err), &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "value");
    }
    for (size_t i = 0; i < sizeof U64_SETTERS / sizeof U64_SETTERS[0]; i++) {
        expect_arg_error(U64_SETTERS[i].name, U64_SETTERS[i].fn(NULL, 1000, &err), &err,
                         OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
    }
    for (size_t i = 0; i < sizeof ENUM_SETTERS / sizeof ENUM_SETTERS[0]; i++) {
        expect_arg_error(ENUM_SETTERS[i].name, ENUM_SETTERS[i].fn(NULL, 0, &err), &err,
                         OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
        expect_arg_error(ENUM_SETTERS[i].name, ENUM_SETTERS[i].fn(cfg, ENUM_SETTERS[i].bad, &err), &err,
                         OOAUTHCC_STATUS_INVALID_ARGUMENT, "unknown value");
        expect_arg_error(ENUM_SETTERS[i].name, ENUM_SETTERS[i].fn(cfg, UINT32_MAX, &err), &err,
                         OOAUTHCC_STATUS_INVALID_ARGUMENT, "unknown value");
    }
    for (size_t i = 0; i < sizeof F64_SETTERS / sizeof F64_SETTERS[0]; i++) {
        expect_arg_error(F64_SETTERS[i].name, F64_SETTERS[i].fn(NULL, 0.5, &err), &err,
                         OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
    }
    expect_arg_error("set_max_retries", ooauthcc_config_set_max_retries(NULL, 1, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
    expect_arg_error("set_allow_insecure_http", ooauthcc_config_set_allow_insecure_http(NULL, true, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
    expect_arg_error("validate", ooauthcc_config_validate(NULL, &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");

    /* Documents: NULL text, NULL out, bad UTF-8; *out untouched. */
    ooauthcc_config *sentinel = (ooauthcc_config *)(uintptr_t)0x1, *out = sentinel;
    expect_arg_error("from_json", ooauthcc_config_from_json(NULL, &out, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "json");
    expect_arg_error("from_json", ooauthcc_config_from_json("{}", NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    expect_arg_error("from_json", ooauthcc_config_from_json(BAD_UTF8, &out, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "json");
    expect_arg_error("from_toml", ooauthcc_config_from_toml(NULL, &out, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "toml");
    expect_arg_error("from_toml", ooauthcc_config_from_toml("", NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    expect_arg_error("from_toml", ooauthcc_config_from_toml(BAD_UTF8, &out, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "toml");
    CHECK(out == sentinel);
    ooauthcc_config_free(cfg);
    ooauthcc_config_free(NULL);
}

static void test_client_functions(void) {
    ooauthcc_error *err = NULL;
    ooauthcc_config *cfg = ooauthcc_config_new();
    ooauthcc_config_set_token_url(cfg, "https://idp.example.com/t", NULL);
    ooauthcc_config_set_client_id(cfg, "args", NULL);
    ooauthcc_config_set_client_secret(cfg, "s", NULL);
    ooauthcc_client *client = NULL;
    expect_arg_error("client_new", ooauthcc_client_new(NULL, &client, &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
    expect_arg_error("client_new", ooauthcc_client_new(cfg, NULL, &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    CHECK(client == NULL);
    TRY(ooauthcc_client_new, cfg, &client);
    ooauthcc_config_free(cfg);

    ooauthcc_token *token = NULL;
    expect_arg_error("get_token", ooauthcc_client_get_token(NULL, OOAUTHCC_TIMEOUT_CONFIGURED, &token, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client");
    expect_arg_error("get_token", ooauthcc_client_get_token(client, OOAUTHCC_TIMEOUT_FOREVER, NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    ooauthcc_header *header = NULL;
    expect_arg_error("get_header", ooauthcc_client_get_header(NULL, OOAUTHCC_TIMEOUT_CONFIGURED, &header, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client");
    expect_arg_error("get_header", ooauthcc_client_get_header(client, OOAUTHCC_TIMEOUT_FOREVER, NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    expect_arg_error("header_for_token", ooauthcc_client_header_for_token(NULL, NULL, &header, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client");
    expect_arg_error("header_for_token", ooauthcc_client_header_for_token(client, NULL, &header, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "token");
    CHECK(token == NULL && header == NULL);
    bool dropped = true;
    expect_arg_error("invalidate", ooauthcc_client_invalidate(NULL, "t", &dropped, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client");
    expect_arg_error("invalidate", ooauthcc_client_invalidate(client, NULL, &dropped, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "access_token");
    expect_arg_error("invalidate", ooauthcc_client_invalidate(client, BAD_UTF8, &dropped, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "access_token");
    CHECK(dropped);
    uint64_t count = 12345;
    expect_arg_error("stat", ooauthcc_client_stat(NULL, OOAUTHCC_STAT_TOKEN_REQUESTS, &count, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client");
    expect_arg_error("stat", ooauthcc_client_stat(client, OOAUTHCC_STAT_TOKEN_REQUESTS, NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    /* A counter this library does not have (one of a later release, say). */
    expect_arg_error("stat", ooauthcc_client_stat(client, 10000, &count, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "which");
    CHECK(count == 12345);
    CHECK(ooauthcc_stat_name(10000) == NULL);
    expect_arg_error("cached_token", ooauthcc_client_cached_token(NULL, &token, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client");
    expect_arg_error("cached_token", ooauthcc_client_cached_token(client, NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    CHECK(token == NULL);
    expect_arg_error("check_destination", ooauthcc_client_check_destination(NULL, "https://x", &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client");
    expect_arg_error("check_destination", ooauthcc_client_check_destination(client, NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "url");
    expect_arg_error("check_destination", ooauthcc_client_check_destination(client, BAD_UTF8, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "url");
    CHECK(ooauthcc_client_header_name(NULL) == NULL);
    CHECK(ooauthcc_client_query_param(NULL) == NULL);
    CHECK(ooauthcc_client_clone(NULL) == NULL);
    ooauthcc_client_free(NULL);
    ooauthcc_client_free(client);

    /* Token and header accessors. */
    CHECK(ooauthcc_token_access_token(NULL) == NULL);
    CHECK(ooauthcc_token_access_token_len(NULL) == 0);
    CHECK(ooauthcc_token_token_type(NULL) == NULL);
    CHECK(ooauthcc_token_expires_at_unix_ms(NULL) == 0);
    CHECK(ooauthcc_token_lifetime_ms(NULL) == 0);
    CHECK(ooauthcc_token_scope(NULL) == NULL);
    CHECK(ooauthcc_token_extra_json(NULL) == NULL);
    CHECK(ooauthcc_token_is_expired(NULL));
    CHECK(ooauthcc_token_clone(NULL) == NULL);
    ooauthcc_token_free(NULL);
    CHECK(ooauthcc_header_name(NULL) == NULL);
    CHECK(ooauthcc_header_value(NULL) == NULL);
    CHECK(ooauthcc_header_line(NULL) == NULL);
    CHECK(ooauthcc_header_access_token(NULL) == NULL);
    ooauthcc_header_free(NULL);
    ooauthcc_error_free(NULL);
}

static void test_server_functions(void) {
    ooauthcc_error *err = NULL;
    expect_arg_error("server_start", ooauthcc_test_server_start(NULL, &err), &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    ooauthcc_test_server *server = NULL;
    TRY(ooauthcc_test_server_start, &server);
    CHECK(ooauthcc_test_server_token_url(NULL) == NULL);
    expect_arg_error("register", ooauthcc_test_server_register_client(NULL, "a", "b", &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("register", ooauthcc_test_server_register_client(server, NULL, "b", &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client_id");
    expect_arg_error("register", ooauthcc_test_server_register_client(server, "a", NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client_secret");
    expect_arg_error("register", ooauthcc_test_server_register_client(server, BAD_UTF8, "b", &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "client_id");
    expect_arg_error("register", ooauthcc_test_server_register_client(server, "a", BAD_UTF8, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "client_secret");
    expect_arg_error("lifetime", ooauthcc_test_server_set_token_lifetime_ms(NULL, 1, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("latency", ooauthcc_test_server_set_latency_ms(NULL, 1, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("fault", ooauthcc_test_server_set_fault(NULL, 0, 0, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("fault", ooauthcc_test_server_set_fault(server, 99, 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "fault");
    uint64_t n = 7;
    expect_arg_error("count", ooauthcc_test_server_request_count(NULL, "a", &n, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("count", ooauthcc_test_server_request_count(server, NULL, &n, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client_id");
    expect_arg_error("count", ooauthcc_test_server_request_count(server, BAD_UTF8, &n, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "client_id");
    expect_arg_error("count", ooauthcc_test_server_request_count(server, "a", NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    CHECK(n == 7);
    bool valid = true;
    expect_arg_error("is_valid", ooauthcc_test_server_is_valid_token(NULL, "t", &valid, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("is_valid", ooauthcc_test_server_is_valid_token(server, NULL, &valid, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "access_token");
    expect_arg_error("is_valid", ooauthcc_test_server_is_valid_token(server, BAD_UTF8, &valid, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "access_token");
    expect_arg_error("is_valid", ooauthcc_test_server_is_valid_token(server, "t", NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "valid");
    CHECK(valid);
    ooauthcc_test_server_free(server);
    ooauthcc_test_server_free(NULL);
}

static int never_called(void *user_data, char *buf, size_t len, size_t *out_len) {
    (void)user_data, (void)buf, (void)len, (void)out_len;
    abort();
}

static int frees;
static void count_free(void *user_data) {
    (void)user_data;
    frees++;
}

/* The credential callbacks: NULL config or callback are refused, and then
 * the library does not take user_data (free_user_data is not called). */
static void test_callback_arguments(void) {
    typedef ooauthcc_status (*cb_setter)(ooauthcc_config *, ooauthcc_credential_callback, void *,
                                         ooauthcc_free_callback, ooauthcc_error **);
    static const struct { const char *name; cb_setter fn; } SETTERS[] = {
        ENTRY(ooauthcc_config_set_client_secret_callback),
        ENTRY(ooauthcc_config_set_private_key_callback),
    };
    ooauthcc_error *err = NULL;
    ooauthcc_config *cfg = ooauthcc_config_new();
    for (size_t i = 0; i < sizeof SETTERS / sizeof SETTERS[0]; i++) {
        const char *n = SETTERS[i].name;
        expect_arg_error(n, SETTERS[i].fn(NULL, never_called, &frees, count_free, &err), &err,
                         OOAUTHCC_STATUS_NULL_ARGUMENT, "cfg");
        expect_arg_error(n, SETTERS[i].fn(cfg, NULL, &frees, count_free, &err), &err,
                         OOAUTHCC_STATUS_NULL_ARGUMENT, "callback");
        CHECK(SETTERS[i].fn(cfg, NULL, NULL, NULL, NULL) == OOAUTHCC_STATUS_NULL_ARGUMENT);
        CHECK(frees == 0);
        /* Accepted: user_data is the library's now, freed with the config. */
        TRY(SETTERS[i].fn, cfg, never_called, &frees, count_free);
    }
    ooauthcc_config_free(cfg);
    CHECK(frees == 2);
}

static void test_tls_and_fault_arguments(void) {
    ooauthcc_error *err = NULL;
    ooauthcc_test_server *server = NULL, *out = NULL;
    expect_arg_error("start_tls", ooauthcc_test_server_start_tls(NULL, "k", "", &out, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "cert_chain_pem");
    expect_arg_error("start_tls", ooauthcc_test_server_start_tls("c", NULL, "", &out, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "key_pem");
    expect_arg_error("start_tls", ooauthcc_test_server_start_tls("c", "k", NULL, &out, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client_ca_pem");
    expect_arg_error("start_tls", ooauthcc_test_server_start_tls("c", "k", "", NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    expect_arg_error("start_tls", ooauthcc_test_server_start_tls(BAD_UTF8, "k", "", &out, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "cert_chain_pem");
    expect_arg_error("start_tls", ooauthcc_test_server_start_tls("c", BAD_UTF8, "", &out, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "key_pem");
    expect_arg_error("start_tls", ooauthcc_test_server_start_tls("c", "k", BAD_UTF8, &out, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "client_ca_pem");
    expect_arg_error("start_tls_files", ooauthcc_test_server_start_tls_files(NULL, "k", "", &out, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "cert_chain_file");
    expect_arg_error("start_tls_files", ooauthcc_test_server_start_tls_files("c", NULL, "", &out, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "key_file");
    expect_arg_error("start_tls_files", ooauthcc_test_server_start_tls_files("c", "k", NULL, &out, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client_ca_file");
    expect_arg_error("start_tls_files", ooauthcc_test_server_start_tls_files("c", "k", "", NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    expect_arg_error("start_tls_files", ooauthcc_test_server_start_tls_files(BAD_UTF8, "k", "", &out, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "cert_chain_file");
    expect_arg_error("start_tls_files", ooauthcc_test_server_start_tls_files("c", BAD_UTF8, "", &out, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "key_file");
    expect_arg_error("start_tls_files", ooauthcc_test_server_start_tls_files("c", "k", BAD_UTF8, &out, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "client_ca_file");
    CHECK(out == NULL);

    TRY(ooauthcc_test_server_start, &server);
    const uint32_t tls = OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH;
    expect_arg_error("register_tls", ooauthcc_test_server_register_tls_client(NULL, "a", tls, "c", &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("register_tls", ooauthcc_test_server_register_tls_client(server, NULL, tls, "c", &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client_id");
    expect_arg_error("register_tls", ooauthcc_test_server_register_tls_client(server, "a", tls, NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "cert_pem");
    expect_arg_error("register_tls", ooauthcc_test_server_register_tls_client(server, BAD_UTF8, tls, "c", &err),
                     &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "client_id");
    expect_arg_error("register_tls", ooauthcc_test_server_register_tls_client(server, "a", tls, BAD_UTF8, &err),
                     &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "cert_pem");
    expect_arg_error("register_tls", ooauthcc_test_server_register_tls_client(server, "a", UINT32_MAX, "c", &err),
                     &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "method");
    expect_arg_error("register_jwt", ooauthcc_test_server_register_jwt_client(NULL, "a", "k", &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("register_jwt", ooauthcc_test_server_register_jwt_client(server, NULL, "k", &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "client_id");
    expect_arg_error("register_jwt", ooauthcc_test_server_register_jwt_client(server, "a", NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "public_key_pem");
    expect_arg_error("register_jwt", ooauthcc_test_server_register_jwt_client(server, BAD_UTF8, "k", &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "client_id");
    expect_arg_error("register_jwt", ooauthcc_test_server_register_jwt_client(server, "a", BAD_UTF8, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "public_key_pem");
    uint64_t n = 7;
    expect_arg_error("total", ooauthcc_test_server_total_requests(NULL, &n, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("total", ooauthcc_test_server_total_requests(server, NULL, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "out");
    CHECK(n == 7);

    /* The fault setters. */
    expect_arg_error("fault", ooauthcc_test_server_set_fault(server, OOAUTHCC_TEST_FAULT_DEEPLY_NESTED + 1, 0, &err),
                     &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "fault");
    expect_arg_error("status", ooauthcc_test_server_set_fault_status(NULL, 500, "", 0, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("status", ooauthcc_test_server_set_fault_status(server, 500, NULL, 0, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "retry_after");
    expect_arg_error("status", ooauthcc_test_server_set_fault_status(server, 429, BAD_UTF8, 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "retry_after");
    expect_arg_error("status", ooauthcc_test_server_set_fault_status(server, 500, "1", 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "retry_after");
    expect_arg_error("status", ooauthcc_test_server_set_fault_status(server, 99, "", 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "status");
    expect_arg_error("status", ooauthcc_test_server_set_fault_status(server, 70000, "", 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "status");
    expect_arg_error("slow", ooauthcc_test_server_set_fault_slow_ms(NULL, 1, 0, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("slow_body", ooauthcc_test_server_set_fault_slow_body_ms(NULL, 1, 0, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("redirect", ooauthcc_test_server_set_fault_redirect(NULL, "http://x", 0, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("redirect", ooauthcc_test_server_set_fault_redirect(server, NULL, 0, &err), &err,
                     OOAUTHCC_STATUS_NULL_ARGUMENT, "location");
    expect_arg_error("redirect", ooauthcc_test_server_set_fault_redirect(server, BAD_UTF8, 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "location");
    expect_arg_error("oauth_error", ooauthcc_test_server_set_fault_oauth_error(NULL, 400, "e", "", "", 0, &err),
                     &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "server");
    expect_arg_error("oauth_error", ooauthcc_test_server_set_fault_oauth_error(server, 400, NULL, "", "", 0, &err),
                     &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "error");
    expect_arg_error("oauth_error", ooauthcc_test_server_set_fault_oauth_error(server, 400, "e", NULL, "", 0, &err),
                     &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "description");
    expect_arg_error("oauth_error", ooauthcc_test_server_set_fault_oauth_error(server, 400, "e", "", NULL, 0, &err),
                     &err, OOAUTHCC_STATUS_NULL_ARGUMENT, "uri");
    expect_arg_error("oauth_error",
                     ooauthcc_test_server_set_fault_oauth_error(server, 400, BAD_UTF8, "", "", 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "error");
    expect_arg_error("oauth_error",
                     ooauthcc_test_server_set_fault_oauth_error(server, 400, "e", BAD_UTF8, "", 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "description");
    expect_arg_error("oauth_error",
                     ooauthcc_test_server_set_fault_oauth_error(server, 400, "e", "", BAD_UTF8, 0, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "uri");
    expect_arg_error("oauth_error", ooauthcc_test_server_set_fault_oauth_error(server, 400, "", "", "", 0, &err),
                     &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "error");
    expect_arg_error("oauth_error", ooauthcc_test_server_set_fault_oauth_error(server, 1, "e", "", "", 0, &err),
                     &err, OOAUTHCC_STATUS_INVALID_ARGUMENT, "status");
    ooauthcc_test_server_free(server);
}

static void test_log_arguments(void) {
    ooauthcc_error *err = NULL;
    expect_arg_error("set_log_callback", ooauthcc_set_log_callback(NULL, NULL, NULL, 6, &err), &err,
                     OOAUTHCC_STATUS_INVALID_ARGUMENT, "max_level");
    TRY(ooauthcc_set_log_callback, NULL, NULL, NULL, OOAUTHCC_LOG_LEVEL_TRACE); /* NULL callback: logging off */
    CHECK(ooauthcc_status_name(UINT32_MAX) != NULL);
}

int main(void) {
    test_config_setters();
    test_client_functions();
    test_server_functions();
    test_callback_arguments();
    test_tls_and_fault_arguments();
    test_log_arguments();
    printf("test_args: ok\n");
    return 0;
}
