/* A C program built with CMake against the installed ooauthcc package
 * (tests/c/cmake-consumer/CMakeLists.txt): gets a token from the bundled
 * authorization server, checks that the library loaded is the version of the
 * header, and prints what it did. */
#include <stdio.h>
#include <string.h>

#include "ooauthcc.h"
#include "ooauthcc_testing.h"

#ifndef CONSUMER_NAME
#define CONSUMER_NAME "consumer"
#endif

static int fail(const char *what, ooauthcc_error *err) {
    fprintf(stderr, CONSUMER_NAME ": %s: %s\n", what, err ? ooauthcc_error_message(err) : "(no detail)");
    ooauthcc_error_free(err);
    return 1;
}

int main(void) {
    if (strcmp(ooauthcc_version(), OOAUTHCC_VERSION_STRING) != 0) {
        fprintf(stderr, CONSUMER_NAME ": library %s, header %s\n", ooauthcc_version(), OOAUTHCC_VERSION_STRING);
        return 1;
    }
    ooauthcc_error *err = NULL;
    ooauthcc_test_server *server = NULL;
    if (ooauthcc_test_server_start(&server, &err)) return fail("start the test server", err);
    if (ooauthcc_test_server_register_client(server, "cmake-consumer", "s3cr3t", &err)) return fail("register", err);

    ooauthcc_config *cfg = ooauthcc_config_new();
    ooauthcc_client *client = NULL;
    ooauthcc_status status = ooauthcc_config_set_token_url(cfg, ooauthcc_test_server_token_url(server), &err);
    if (!status) status = ooauthcc_config_set_client_id(cfg, "cmake-consumer", &err);
    if (!status) status = ooauthcc_config_set_client_secret(cfg, "s3cr3t", &err);
    if (!status) status = ooauthcc_client_new(cfg, &client, &err);
    ooauthcc_config_free(cfg);
    if (status) return fail("build the client", err);

    size_t len = 0;
    for (int call = 0; call < 3; call++) {
        ooauthcc_token *token = NULL;
        if (ooauthcc_client_get_token(client, OOAUTHCC_TIMEOUT_FOREVER, &token, &err)) return fail("get a token", err);
        len = ooauthcc_token_access_token_len(token);
        ooauthcc_token_free(token);
    }
    uint64_t sent = 0;
    if (ooauthcc_test_server_request_count(server, "cmake-consumer", &sent, &err)) return fail("count", err);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
    if (len == 0 || sent != 1) {
        fprintf(stderr, CONSUMER_NAME ": token of %zu bytes, %llu requests (expected 1)\n", len, (unsigned long long)sent);
        return 1;
    }
    printf(CONSUMER_NAME ": ooauthcc %s, 3 tokens of %zu bytes, %llu token request\n", ooauthcc_version(), len,
           (unsigned long long)sent);
    return 0;
}
