/* Get OAuth 2.0 client-credentials tokens from C.
 * Runs against the bundled test server; for a real identity provider, set
 * token_url, client_id and client_secret to yours and drop the server. */
#include <stdio.h>

#include "ooauthcc.h"
#include "ooauthcc_testing.h" /* the bundled test server: libooauthcc_testing */

static int fail(ooauthcc_error *err) {
    fprintf(stderr, "ooauthcc error %u: %s\n", (unsigned)ooauthcc_error_status(err), ooauthcc_error_message(err));
    ooauthcc_error_free(err);
    return 1;
}

int main(void) {
    ooauthcc_error *err = NULL;
    ooauthcc_test_server *server = NULL; /* stands in for your identity provider */
    if (ooauthcc_test_server_start(&server, &err)) return fail(err);
    if (ooauthcc_test_server_register_client(server, "my-service", "s3cr3t", &err)) return fail(err);

    ooauthcc_config *cfg = ooauthcc_config_new();
    ooauthcc_config_set_token_url(cfg, ooauthcc_test_server_token_url(server), NULL);
    ooauthcc_config_set_client_id(cfg, "my-service", NULL);
    ooauthcc_config_set_client_secret(cfg, "s3cr3t", NULL);
    ooauthcc_config_add_scope(cfg, "orders.read", NULL);
    ooauthcc_client *client = NULL;
    ooauthcc_status status = ooauthcc_client_new(cfg, &client, &err); /* checks every setting */
    ooauthcc_config_free(cfg);
    if (status != OOAUTHCC_STATUS_OK) return fail(err);

    for (int call = 1; call <= 3; call++) {
        ooauthcc_token *token = NULL;
        if (ooauthcc_client_get_token(client, OOAUTHCC_TIMEOUT_CONFIGURED, &token, &err)) return fail(err);
        /* Send "Authorization: Bearer <ooauthcc_token_access_token(token)>". If the API
         * answers 401, call ooauthcc_client_invalidate(client, <that token>, NULL, NULL). */
        printf("call %d: a %s token of %zu bytes\n", call, ooauthcc_token_token_type(token),
               ooauthcc_token_access_token_len(token));
        ooauthcc_token_free(token);
    }
    uint64_t sent = 0;
    ooauthcc_client_stat(client, OOAUTHCC_STAT_TOKEN_REQUESTS, &sent, NULL);
    printf("token requests sent: %llu (the other calls were served from the cache)\n", (unsigned long long)sent);

    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
    return 0;
}
