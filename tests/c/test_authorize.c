/*
 * ooauthcc_client_authorize: what to send on an API request, decided by the
 * client's settings, sent with libcurl to the bundled server's recording
 * resource: the token header in its configured format, resource headers and
 * cookies (and token-request headers kept off), the token in a query
 * parameter, allowed_hosts enforced before any token request, the
 * unauthorized_retries setting, and the misuse cases.
 */
#include "common.h" /* first: it sets _POSIX_C_SOURCE */

#include <curl/curl.h>

static const char *ID = "c-authorize";
static const char *SECRET = "c-authorize-secret";

static size_t discard(char *data, size_t size, size_t n, void *user) {
    (void)data;
    (void)user;
    return size * n;
}

/* Sends what `authorized` says with GET; returns the HTTP status. */
static long send_it(const ooauthcc_authorized *authorized) {
    CURL *curl = curl_easy_init();
    CHECK(curl != NULL);
    struct curl_slist *headers = NULL;
    for (size_t i = 0; i < ooauthcc_authorized_header_count(authorized); i++) {
        headers = curl_slist_append(headers, ooauthcc_authorized_header_line(authorized, i));
    }
    curl_easy_setopt(curl, CURLOPT_URL, ooauthcc_authorized_url(authorized));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    long status = -1;
    CHECK(curl_easy_perform(curl) == CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

/* The last request the resource recorded. */
static ooauthcc_test_request *last_resource_request(const ooauthcc_test_server *server) {
    size_t n = 0;
    TRY(ooauthcc_test_server_resource_count, server, &n);
    CHECK(n > 0);
    ooauthcc_test_request *r = NULL;
    TRY(ooauthcc_test_server_resource_request, server, n - 1, &r);
    return r;
}

static void header_format_headers_and_cookies(const ooauthcc_test_server *server) {
    ooauthcc_config *cfg = config_for(server, ID, SECRET);
    TRY(ooauthcc_config_set_header_name, cfg, "X-Api-Token");
    TRY(ooauthcc_config_set_header_format, cfg, "Token {token}");
    TRY(ooauthcc_config_add_resource_header, cfg, "X-Tenant", "acme");
    TRY(ooauthcc_config_add_resource_cookie, cfg, "session", "s1");
    TRY(ooauthcc_config_add_extra_header, cfg, "X-Token-Request-Only", "yes");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);

    ooauthcc_authorized *a = NULL;
    TRY(ooauthcc_client_authorize, client, ooauthcc_test_server_resource_url(server), PATIENT_MS, &a);
    CHECK(strcmp(ooauthcc_authorized_url(a), ooauthcc_test_server_resource_url(server)) == 0);
    CHECK(ooauthcc_authorized_header_count(a) == 3);
    const char *token = ooauthcc_authorized_access_token(a);
    char want[1024];
    snprintf(want, sizeof want, "X-Api-Token: Token %s", token);
    CHECK(strcmp(ooauthcc_authorized_header_line(a, 0), want) == 0);
    CHECK(strcmp(ooauthcc_authorized_header_name(a, 1), "x-tenant") == 0);
    CHECK(strcmp(ooauthcc_authorized_header_value(a, 1), "acme") == 0);
    CHECK(strcmp(ooauthcc_authorized_header_line(a, 2), "Cookie: session=s1") == 0);
    CHECK(ooauthcc_authorized_header_line(a, 3) == NULL); /* past the end */
    CHECK(ooauthcc_authorized_header_name(a, 3) == NULL);

    CHECK(send_it(a) == 200);
    ooauthcc_test_request *seen = last_resource_request(server);
    snprintf(want, sizeof want, "Token %s", token);
    CHECK(strcmp(ooauthcc_test_request_header(seen, "x-api-token"), want) == 0);
    CHECK(strcmp(ooauthcc_test_request_header(seen, "x-tenant"), "acme") == 0);
    CHECK(strcmp(ooauthcc_test_request_header(seen, "cookie"), "session=s1") == 0);
    CHECK(ooauthcc_test_request_header(seen, "x-token-request-only") == NULL);
    CHECK(ooauthcc_test_request_status(seen) == 200);
    ooauthcc_test_request_free(seen);
    ooauthcc_authorized_free(a);
    ooauthcc_client_free(client);
}

static void token_in_the_query(const ooauthcc_test_server *server) {
    ooauthcc_config *cfg = config_for(server, ID, SECRET);
    TRY(ooauthcc_config_set_query_param, cfg, "api_key");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    char url[512];
    snprintf(url, sizeof url, "%s?page=2", ooauthcc_test_server_resource_url(server));
    ooauthcc_authorized *a = NULL;
    TRY(ooauthcc_client_authorize, client, url, PATIENT_MS, &a);
    CHECK(ooauthcc_authorized_header_count(a) == 0);
    CHECK(contains(ooauthcc_authorized_url(a), "?page=2&api_key="));
    CHECK(send_it(a) == 200);
    ooauthcc_test_request *seen = last_resource_request(server);
    CHECK(strcmp(ooauthcc_test_request_param(seen, "api_key"), ooauthcc_authorized_access_token(a)) == 0);
    CHECK(strcmp(ooauthcc_test_request_param(seen, "page"), "2") == 0);
    ooauthcc_test_request_free(seen);
    ooauthcc_authorized_free(a);
    ooauthcc_client_free(client);
}

static void refused_hosts_cost_no_token_request(void) {
    ooauthcc_test_server *server = start_server("c-authorize-hosts", SECRET);
    ooauthcc_config *cfg = config_for(server, "c-authorize-hosts", SECRET);
    TRY(ooauthcc_config_add_allowed_host, cfg, "api.example.com");
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_authorized *a = NULL;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_USAGE, ooauthcc_client_authorize, client, ooauthcc_test_server_resource_url(server),
           PATIENT_MS, &a);
    CHECK(a == NULL);
    CHECK(contains(ooauthcc_error_message(err), "127.0.0.1") && contains(ooauthcc_error_message(err), "allowed_hosts"));
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_USAGE, ooauthcc_client_authorize, client, "http://api.example.com/x", PATIENT_MS, &a);
    ooauthcc_error_free(err);
    CHECK(requests(server, "c-authorize-hosts") == 0);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

/* ooauthcc_client_reauthorize is the retry rule: each retry gets the next
 * token for the same URL, the rejected one invalidated; past
 * unauthorized_retries, NULL, and the cache is left alone. */
static void reauthorize_after_401(void) {
    ooauthcc_test_server *server = start_server("reauthorize", SECRET);
    ooauthcc_config *cfg = config_for(server, "reauthorize", SECRET);
    TRY(ooauthcc_config_set_unauthorized_retries, cfg, 2);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    const char *url = ooauthcc_test_server_resource_url(server);
    ooauthcc_authorized *a = NULL;
    TRY(ooauthcc_client_authorize, client, url, PATIENT_MS, &a);
    for (uint32_t attempt = 0; attempt < 2; attempt++) {
        ooauthcc_authorized *next = NULL;
        TRY(ooauthcc_client_reauthorize, client, a, attempt, &next);
        CHECK(next != NULL);
        CHECK(strcmp(ooauthcc_authorized_access_token(next), ooauthcc_authorized_access_token(a)) != 0);
        CHECK(strcmp(ooauthcc_authorized_url(next), url) == 0);
        ooauthcc_authorized_free(a);
        a = next;
    }
    CHECK(requests(server, "reauthorize") == 3);
    ooauthcc_authorized *none = (ooauthcc_authorized *)&none; /* not NULL: the call writes NULL */
    TRY(ooauthcc_client_reauthorize, client, a, 2, &none);
    CHECK(none == NULL);
    ooauthcc_token *cached = NULL;
    TRY(ooauthcc_client_cached_token, client, &cached);
    CHECK(cached != NULL && strcmp(ooauthcc_token_access_token(cached), ooauthcc_authorized_access_token(a)) == 0);
    ooauthcc_token_free(cached);
    CHECK(requests(server, "reauthorize") == 3);

    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_client_reauthorize, client, NULL, 0, &none);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_client_reauthorize, NULL, a, 0, &none);
    ooauthcc_error_free(err);
    ooauthcc_authorized_free(a);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
}

static void retries_setting_and_misuse(const ooauthcc_test_server *server) {
    ooauthcc_config *cfg = config_for(server, ID, SECRET);
    ooauthcc_client *client = client_from(cfg);
    CHECK(ooauthcc_client_unauthorized_retries(client) == 1);
    ooauthcc_client_free(client);
    TRY(ooauthcc_config_set_unauthorized_retries, cfg, 3);
    client = client_from(cfg);
    CHECK(ooauthcc_client_unauthorized_retries(client) == 3);
    CHECK(ooauthcc_client_unauthorized_retries(NULL) == 0);

    ooauthcc_error *err = NULL;
    ooauthcc_authorized *a = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_client_authorize, client, NULL, PATIENT_MS, &a);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_client_authorize, NULL, "https://a.example.com/", 0, &a);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_client_authorize, client, "not a url", PATIENT_MS, &a);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_INVALID_ARGUMENT, ooauthcc_client_authorize, client, "\xff\xfe", PATIENT_MS, &a);
    ooauthcc_error_free(err);
    CHECK(ooauthcc_authorized_url(NULL) == NULL && ooauthcc_authorized_header_count(NULL) == 0);
    CHECK(ooauthcc_authorized_access_token(NULL) == NULL && ooauthcc_authorized_header_line(NULL, 0) == NULL);
    ooauthcc_authorized_free(NULL);
    ooauthcc_client_free(client);

    /* Bad settings fail at ooauthcc_client_new, naming the setting. */
    TRY(ooauthcc_config_set_unauthorized_retries, cfg, 9);
    ooauthcc_client *bad = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_client_new, cfg, &bad);
    CHECK(contains(ooauthcc_error_message(err), "unauthorized_retries"));
    ooauthcc_error_free(err);
    TRY(ooauthcc_config_set_unauthorized_retries, cfg, 1);
    TRY(ooauthcc_config_set_header_format, cfg, "Bearer");
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_client_new, cfg, &bad);
    CHECK(contains(ooauthcc_error_message(err), "header_format"));
    ooauthcc_error_free(err);
    ooauthcc_config_free(cfg);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    ooauthcc_test_server *server = start_server(ID, SECRET);
    header_format_headers_and_cookies(server);
    token_in_the_query(server);
    refused_hosts_cost_no_token_request();
    retries_setting_and_misuse(server);
    reauthorize_after_401();
    ooauthcc_test_server_free(server);
    curl_global_cleanup();
    puts("test_authorize: ok");
    return 0;
}
