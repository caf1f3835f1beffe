// Get OAuth 2.0 client-credentials tokens from C++: unique_ptr owns each
// handle, and a failed call throws. Runs against the bundled test server.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ooauthcc.h"
#include "ooauthcc_testing.h" /* the bundled test server: libooauthcc_testing */

template <typename T, void (*Free)(T *)>
using Owned = std::unique_ptr<T, std::integral_constant<decltype(Free), Free>>;

// Throws if `status` failed; `*err` is read after the call that filled it.
static void check(ooauthcc_status status, ooauthcc_error **err) {
    Owned<ooauthcc_error, ooauthcc_error_free> owned(*err);
    *err = nullptr;
    if (status != OOAUTHCC_STATUS_OK) throw std::runtime_error(ooauthcc_error_message(owned.get()));
}

int main() try {
    ooauthcc_error *err = nullptr;
    ooauthcc_test_server *raw_server = nullptr;
    check(ooauthcc_test_server_start(&raw_server, &err), &err);
    Owned<ooauthcc_test_server, ooauthcc_test_server_free> server(raw_server);
    check(ooauthcc_test_server_register_client(server.get(), "my-service", "s3cr3t", &err), &err);

    Owned<ooauthcc_config, ooauthcc_config_free> cfg(ooauthcc_config_new());
    check(ooauthcc_config_set_token_url(cfg.get(), ooauthcc_test_server_token_url(server.get()), &err), &err);
    check(ooauthcc_config_set_client_id(cfg.get(), "my-service", &err), &err);
    check(ooauthcc_config_set_client_secret(cfg.get(), "s3cr3t", &err), &err);
    ooauthcc_client *raw_client = nullptr;
    check(ooauthcc_client_new(cfg.get(), &raw_client, &err), &err);
    Owned<ooauthcc_client, ooauthcc_client_free> client(raw_client);

    // Eight threads share the client; one token request serves them all.
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; i++) {
        threads.emplace_back([&client] {
            try {
                ooauthcc_token *raw = nullptr;
                ooauthcc_error *e = nullptr;
                check(ooauthcc_client_get_token(client.get(), OOAUTHCC_TIMEOUT_CONFIGURED, &raw, &e), &e);
                Owned<ooauthcc_token, ooauthcc_token_free> token(raw);
                std::string header = std::string("Bearer ") + ooauthcc_token_access_token(token.get());
                (void)header;  // send it with your HTTP request
            } catch (const std::exception &e) {
                std::fprintf(stderr, "ooauthcc: %s\n", e.what());
            }
        });
    }
    for (auto &t : threads) t.join();
    uint64_t sent = 0;
    check(ooauthcc_client_stat(client.get(), OOAUTHCC_STAT_TOKEN_REQUESTS, &sent, &err), &err);
    std::printf("8 threads, %llu token request(s)\n", static_cast<unsigned long long>(sent));
    return 0;
} catch (const std::exception &e) {
    std::fprintf(stderr, "ooauthcc: %s\n", e.what());
    return 1;
}
