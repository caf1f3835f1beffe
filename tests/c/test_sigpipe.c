/*
 * A C host does not ignore SIGPIPE (Rust programs and Python do), so a write to
 * a connection the peer has closed would kill it — and that is what a token
 * server, or our bundled test server, does to a client that gave up waiting.
 * Here the test server dribbles a body byte by byte to a client that timed out,
 * then writes 2 MiB bodies to clients that refuse them from their length.
 * The process must survive: the library's threads block SIGPIPE (the write
 * fails with EPIPE instead), and the host's signal disposition is untouched.
 */
#include "common.h"

#include <signal.h>

int main(void) {
    /* The default disposition (terminate), as in any C program. */
    struct sigaction before;
    CHECK(sigaction(SIGPIPE, NULL, &before) == 0);
    CHECK(before.sa_handler == SIG_DFL);

    ooauthcc_test_server *server = start_server("c-sigpipe", "c-sigpipe-secret");
    /* One byte every 50 ms: about two seconds for a 40-byte body. */
    TRY(ooauthcc_test_server_set_fault_slow_body_ms, server, 50, 1);
    ooauthcc_config *cfg = config_for(server, "c-sigpipe", "c-sigpipe-secret");
    TRY(ooauthcc_config_set_request_timeout_ms, cfg, 200);
    TRY(ooauthcc_config_set_max_retries, cfg, 0);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);

    ooauthcc_token *token = NULL;
    ooauthcc_error *err = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_TIMEOUT, ooauthcc_client_get_token, client, PATIENT_MS, &token);
    ooauthcc_error_free(err);
    ooauthcc_client_free(client);

    /* The server goes on writing to the closed connection meanwhile. */
    sleep_ms(2500);

    /* 2 MiB bodies: the client refuses them from their Content-Length and
     * hangs up while the server is still writing megabytes into the socket. */
    for (int i = 0; i < 30; i++) {
        char id[32];
        snprintf(id, sizeof id, "c-sigpipe-%d", i);
        TRY(ooauthcc_test_server_register_client, server, id, "c-sigpipe-secret");
        TRY(ooauthcc_test_server_set_fault, server, OOAUTHCC_TEST_FAULT_OVERSIZED, 1);
        ooauthcc_config *c = config_for(server, id, "c-sigpipe-secret");
        ooauthcc_client *cl = client_from(c);
        ooauthcc_config_free(c);
        EXPECT(&err, OOAUTHCC_STATUS_MALFORMED_RESPONSE, ooauthcc_client_get_token, cl, PATIENT_MS, &token);
        ooauthcc_error_free(err);
        ooauthcc_client_free(cl);
    }
    sleep_ms(500);

    struct sigaction after;
    CHECK(sigaction(SIGPIPE, NULL, &after) == 0);
    CHECK(after.sa_handler == SIG_DFL); /* the library did not change it */
    ooauthcc_test_server_free(server);
    printf("test_sigpipe: ok (survived writes to a closed connection)\n");
    return 0;
}
