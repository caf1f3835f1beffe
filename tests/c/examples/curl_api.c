/* Call an API with libcurl, authorized by ooauthcc: the library decides what
 * to send (the URL, and the header lines: the token in its configured format,
 * the resource headers and cookies), refuses hosts outside allowed_hosts, and
 * after a 401 ooauthcc_client_reauthorize says whether and with what to send
 * the request again (the rejected token invalidated, a new one, at most
 * unauthorized_retries times).
 * Runs against the bundled test server, whose /resource plays the API. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "ooauthcc.h"
#include "ooauthcc_testing.h" /* the bundled test server: libooauthcc_testing */

static int fail(ooauthcc_error *err) {
    fprintf(stderr, "ooauthcc error %u: %s\n", (unsigned)ooauthcc_error_status(err), ooauthcc_error_message(err));
    ooauthcc_error_free(err);
    return 1;
}

/* The response body, into a fixed buffer (this API answers a few bytes). */
struct body {
    char text[512];
    size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *user) {
    struct body *b = user;
    size_t take = size * n;
    if (take > sizeof b->text - 1 - b->len) take = sizeof b->text - 1 - b->len;
    memcpy(b->text + b->len, data, take);
    b->len += take;
    b->text[b->len] = 0;
    return size * n;
}

/* GET `url` with what ooauthcc decided; returns the HTTP status, or -1. */
static long get(CURL *curl, const ooauthcc_authorized *authorized, struct body *body) {
    struct curl_slist *headers = NULL;
    for (size_t i = 0; i < ooauthcc_authorized_header_count(authorized); i++) {
        headers = curl_slist_append(headers, ooauthcc_authorized_header_line(authorized, i));
    }
    body->len = 0;
    body->text[0] = 0;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, ooauthcc_authorized_url(authorized));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
    long status = -1;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    return status;
}

/* One API call; after a 401 the library decides whether to send it again. */
static long call_api(ooauthcc_client *client, CURL *curl, const char *url, struct body *body, ooauthcc_error **err) {
    ooauthcc_authorized *authorized = NULL;
    if (ooauthcc_client_authorize(client, url, OOAUTHCC_TIMEOUT_CONFIGURED, &authorized, err)) return -1;
    long status = get(curl, authorized, body);
    for (uint32_t attempt = 0; status == 401; attempt++) {
        ooauthcc_authorized *next = NULL;
        if (ooauthcc_client_reauthorize(client, authorized, attempt, &next, err)) status = -1;
        ooauthcc_authorized_free(authorized);
        authorized = next;
        if (authorized == NULL) break; /* give up: the API's 401 stands (or an error) */
        status = get(curl, authorized, body);
    }
    ooauthcc_authorized_free(authorized);
    return status;
}

int main(void) {
    ooauthcc_error *err = NULL;
    ooauthcc_test_server *server = NULL; /* stands in for your identity provider and your API */
    if (ooauthcc_test_server_start(&server, &err)) return fail(err);
    if (ooauthcc_test_server_register_client(server, "my-service", "s3cr3t", &err)) return fail(err);

    ooauthcc_config *cfg = ooauthcc_config_new();
    ooauthcc_config_set_token_url(cfg, ooauthcc_test_server_token_url(server), NULL);
    ooauthcc_config_set_client_id(cfg, "my-service", NULL);
    ooauthcc_config_set_client_secret(cfg, "s3cr3t", NULL);
    ooauthcc_config_set_header_format(cfg, "Bearer {token}", NULL);
    ooauthcc_config_add_resource_header(cfg, "X-Tenant", "acme", NULL);
    ooauthcc_config_add_allowed_host(cfg, "127.0.0.1", NULL);
    ooauthcc_client *client = NULL;
    ooauthcc_status status = ooauthcc_client_new(cfg, &client, &err);
    ooauthcc_config_free(cfg);
    if (status != OOAUTHCC_STATUS_OK) return fail(err);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    struct body body;
    const char *api = ooauthcc_test_server_resource_url(server);

    long code = call_api(client, curl, api, &body, &err);
    if (code < 0) return fail(err);
    printf("GET /resource: %ld %s\n", code, body.text);

    /* The API revokes the token early: one 401, then the retry with a new token. */
    if (ooauthcc_test_server_reject_resource_requests(server, 1, &err)) return fail(err);
    code = call_api(client, curl, api, &body, &err);
    if (code < 0) return fail(err);
    printf("GET /resource after a revoked token: %ld %s\n", code, body.text);

    /* A host outside allowed_hosts: refused before any token request. */
    if (call_api(client, curl, "https://elsewhere.example.com/data", &body, &err) < 0) {
        printf("elsewhere.example.com: refused (%s)\n", ooauthcc_status_name(ooauthcc_error_status(err)));
        ooauthcc_error_free(err);
        err = NULL;
    }

    uint64_t sent = 0;
    ooauthcc_client_stat(client, OOAUTHCC_STAT_TOKEN_REQUESTS, &sent, NULL);
    printf("token requests sent: %llu\n", (unsigned long long)sent);

    curl_easy_cleanup(curl);
    curl_global_cleanup();
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
    return 0;
}
