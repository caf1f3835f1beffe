// The header from C++17: RAII ownership with unique_ptr deleters, errors as
// exceptions, a token shared by std::threads, and the status enum as a type.
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ooauthcc.h"
#include "ooauthcc_testing.h" /* the bundled test server: libooauthcc_testing */

namespace {

template <typename T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const noexcept { Free(p); }
};
using Server = std::unique_ptr<ooauthcc_test_server, Deleter<ooauthcc_test_server, ooauthcc_test_server_free>>;
using Config = std::unique_ptr<ooauthcc_config, Deleter<ooauthcc_config, ooauthcc_config_free>>;
using Client = std::unique_ptr<ooauthcc_client, Deleter<ooauthcc_client, ooauthcc_client_free>>;
using Token = std::unique_ptr<ooauthcc_token, Deleter<ooauthcc_token, ooauthcc_token_free>>;
using Error = std::unique_ptr<ooauthcc_error, Deleter<ooauthcc_error, ooauthcc_error_free>>;

struct OAuthError : std::runtime_error {
    ooauthcc_status status;
    uint16_t http_status;
    OAuthError(ooauthcc_status s, const std::string &message, uint16_t http)
        : std::runtime_error(message), status(s), http_status(http) {}
};

// Throws when `status` is not OK, taking ownership of the error in `*errp`.
// (Takes the address: the call that fills it is another argument, and C++
// leaves the order in which arguments are evaluated unspecified.)
void check(ooauthcc_status status, ooauthcc_error **errp) {
    Error err(*errp);
    *errp = nullptr;
    if (status != OOAUTHCC_STATUS_OK) {
        throw OAuthError(status, err ? ooauthcc_error_message(err.get()) : "(no detail)",
                         ooauthcc_error_http_status(err.get()));
    }
}

void expect(bool ok, const char *what) {
    if (!ok) throw std::logic_error(what);
}

Client make_client(const Server &server, const char *secret) {
    Config cfg(ooauthcc_config_new());
    ooauthcc_error *err = nullptr;
    check(ooauthcc_config_set_token_url(cfg.get(), ooauthcc_test_server_token_url(server.get()), &err), &err);
    check(ooauthcc_config_set_client_id(cfg.get(), "cpp", &err), &err);
    check(ooauthcc_config_set_client_secret(cfg.get(), secret, &err), &err);
    check(ooauthcc_config_set_max_retries(cfg.get(), 0, &err), &err);
    ooauthcc_client *raw = nullptr;
    check(ooauthcc_client_new(cfg.get(), &raw, &err), &err);
    return Client(raw);
}

std::string get_token(const ooauthcc_client *client) {
    ooauthcc_token *raw = nullptr;
    ooauthcc_error *err = nullptr;
    check(ooauthcc_client_get_token(client, OOAUTHCC_TIMEOUT_FOREVER, &raw, &err), &err);  // patient: valgrind is slow
    Token token(raw);
    return ooauthcc_token_access_token(token.get());
}

}  // namespace

int main() {
    try {
        ooauthcc_test_server *raw_server = nullptr;
        ooauthcc_error *err = nullptr;
        check(ooauthcc_test_server_start(&raw_server, &err), &err);
        Server server(raw_server);
        check(ooauthcc_test_server_register_client(server.get(), "cpp", "cpp-secret", &err), &err);
        check(ooauthcc_test_server_set_latency_ms(server.get(), 100, &err), &err);

        Client client = make_client(server, "cpp-secret");
        std::vector<std::string> seen(16);
        std::vector<std::thread> threads;
        for (size_t i = 0; i < seen.size(); i++) {
            threads.emplace_back([&, i] {
                try {
                    seen[i] = get_token(client.get());
                } catch (const std::exception &e) {
                    std::fprintf(stderr, "thread %zu: %s\n", i, e.what());
                }
            });
        }
        for (auto &t : threads) t.join();
        for (const auto &s : seen) expect(s == seen[0] && s.rfind("at_", 0) == 0, "all threads share one token");
        uint64_t n = 0;
        check(ooauthcc_test_server_request_count(server.get(), "cpp", &n, &err), &err);
        expect(n == 1, "one request for 16 threads");

        Client wrong = make_client(server, "wrong-secret");
        try {
            get_token(wrong.get());
            expect(false, "a wrong secret must fail");
        } catch (const OAuthError &e) {
            expect(e.status == OOAUTHCC_STATUS_OAUTH && e.http_status == 401, "OAUTH with HTTP 401");
            expect(std::strstr(e.what(), "invalid_client") != nullptr, "message names invalid_client");
        }
        std::printf("test_cpp: ok\n");
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "test_cpp failed: %s\n", e.what());
        return 1;
    }
}
