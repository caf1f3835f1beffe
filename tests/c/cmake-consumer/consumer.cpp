// A C++17 program built with CMake against the installed ooauthcc package,
// through the RAII header ooauthcc.hpp: eight threads share one client and
// one token request. Prints what it did (the token redacted).
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "ooauthcc.hpp"
#include "ooauthcc_testing.h"

int main() try {
    ooauthcc_test_server *server = nullptr;  // stands in for your identity provider
    ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_test_server_start(&server, e); });
    std::unique_ptr<ooauthcc_test_server, void (*)(ooauthcc_test_server *)> owned(server, ooauthcc_test_server_free);
    ooauthcc::call([&](ooauthcc_error **e) {
        return ooauthcc_test_server_register_client(server, "cmake-consumer-cpp", "s3cr3t", e);
    });

    ooauthcc::Config cfg;
    cfg.set_token_url(ooauthcc_test_server_token_url(server))
        .set_client_id("cmake-consumer-cpp")
        .set_client_secret("s3cr3t");
    const ooauthcc::Client client(cfg);

    std::vector<ooauthcc::Token> tokens(8);
    std::vector<std::thread> threads;
    for (auto &slot : tokens) {
        threads.emplace_back([&client, &slot] {
            try {
                slot = client.get_token(ooauthcc::wait_forever);
            } catch (const ooauthcc::Error &e) {
                std::cerr << "consumer_cpp: thread: " << e.what() << "\n";  // leaves its token empty
            }
        });
    }
    for (auto &t : threads) t.join();
    const auto sent = client.stat(OOAUTHCC_STAT_TOKEN_REQUESTS);
    for (const auto &t : tokens) {
        if (!t || t.access_token() != tokens[0].access_token() || sent != 1) {
            std::cerr << "consumer_cpp: threads did not share one token request\n";
            return 1;
        }
    }
    std::cout << "consumer_cpp: ooauthcc " << ooauthcc::library_version() << ", 8 threads, " << sent
              << " token request, " << tokens[0] << "\n";
    return 0;
} catch (const ooauthcc::Error &e) {
    std::cerr << "consumer_cpp: " << e.kind() << ": " << e.what() << "\n";
    return 1;
}
