// The C++17 RAII header ooauthcc.hpp against the bundled test server: a herd
// of std::threads makes one token request; a wrong secret throws OAuthError
// after one request; get_token_result returns errors instead of throwing; every
// kind of move and copy leaves nothing leaked or freed twice (valgrind runs
// this program too, see scripts/test-c.sh); tokens print redacted; authorize()
// gives the API request's header lines; Profiles builds clients by name.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "ooauthcc.hpp"
#include "ooauthcc_testing.h" /* the bundled test server: libooauthcc_testing */

// HTTP requests one fetch of a refused client costs under the default
// auth_method, auto: Basic, then once more with the secret in the body.
constexpr std::uint64_t kRefusedFetchRequests = 2;

namespace {

int checks = 0;

#define EXPECT(cond)                                                                          \
    do {                                                                                      \
        ++checks;                                                                             \
        if (!(cond)) throw std::logic_error(std::string(__FILE__ ":") + std::to_string(__LINE__) + ": " #cond); \
    } while (0)

// The object itself, through a function: `x = std::move(same(x))` is a
// self-move that compilers do not warn about (-Wself-move), as in real code
// where the two sides are aliases.
template <typename T>
T &same(T &x) {
    return x;
}

// The test server, freed at scope exit.
struct Server {
    ooauthcc_test_server *raw = nullptr;
    Server() {
        ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_test_server_start(&raw, e); });
    }
    ~Server() { ooauthcc_test_server_free(raw); }
    Server(const Server &) = delete;
    Server &operator=(const Server &) = delete;

    const char *url() const { return ooauthcc_test_server_token_url(raw); }
    void add(const char *id, const char *secret) const {
        ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_test_server_register_client(raw, id, secret, e); });
    }
    std::uint64_t requests(const char *id) const {
        std::uint64_t n = 0;
        ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_test_server_request_count(raw, id, &n, e); });
        return n;
    }
    bool is_valid(std::string_view token) const {
        const std::string text(token);
        bool valid = false;
        ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_test_server_is_valid_token(raw, text.c_str(), &valid, e); });
        return valid;
    }
};

// A config for `id`/`secret` at `server`, patient (valgrind is slow) and without retries.
ooauthcc::Config config_for(const Server &server, const char *id, const char *secret) {
    ooauthcc::Config cfg;
    cfg.set_token_url(server.url())
        .set_client_id(id)
        .set_client_secret(std::string(secret))  // the std::string overload
        .set_max_retries(0)
        .set_get_timeout(std::chrono::seconds(60));
    return cfg;
}

void test_types() {
    static_assert(!std::is_copy_constructible_v<ooauthcc::Config>, "Config is move-only");
    static_assert(std::is_nothrow_move_constructible_v<ooauthcc::Config>, "");
    static_assert(std::is_nothrow_move_assignable_v<ooauthcc::Config>, "");
    static_assert(std::is_copy_constructible_v<ooauthcc::Client>, "Client copies are references");
    static_assert(std::is_nothrow_move_constructible_v<ooauthcc::Client>, "");
    static_assert(std::is_nothrow_move_assignable_v<ooauthcc::Client>, "");
    static_assert(std::is_nothrow_move_constructible_v<ooauthcc::Token>, "");
    static_assert(std::is_nothrow_copy_constructible_v<ooauthcc::Error>, "exceptions copy without throwing");
    static_assert(std::is_base_of_v<std::runtime_error, ooauthcc::Error>, "");
    static_assert(std::is_base_of_v<ooauthcc::Error, ooauthcc::OAuthError>, "");
    EXPECT(ooauthcc::library_version() == ooauthcc::header_version);
}

// 32 threads on an empty cache: one token request, one token for all.
void test_herd(const Server &server) {
    server.add("cpp-herd", "herd-secret");
    ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_test_server_set_latency_ms(server.raw, 200, e); });
    const ooauthcc::Client client(config_for(server, "cpp-herd", "herd-secret"));
    EXPECT(!client.cached_token().has_value());  // empty cache, and nothing sent for asking

    std::vector<ooauthcc::Token> tokens(32);
    std::vector<std::string> failures(tokens.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < tokens.size(); i++) {
        threads.emplace_back([&, i] {
            try {
                // Half through the shared Client, half through copies of their own.
                tokens[i] = i % 2 ? ooauthcc::Client(client).get_token(ooauthcc::wait_forever) : client.get_token();
            } catch (const std::exception &e) {
                failures[i] = e.what();
            }
        });
    }
    for (auto &t : threads) t.join();
    ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_test_server_set_latency_ms(server.raw, 0, e); });
    for (size_t i = 0; i < tokens.size(); i++) {
        if (!failures[i].empty()) throw std::runtime_error("herd thread " + std::to_string(i) + ": " + failures[i]);
        EXPECT(tokens[i] && tokens[i].access_token() == tokens[0].access_token());
    }
    EXPECT(server.requests("cpp-herd") == 1);
    EXPECT(client.stat(OOAUTHCC_STAT_TOKEN_REQUESTS) == 1);
    EXPECT(server.is_valid(tokens[0].access_token()));

    // What the token says.
    const ooauthcc::Token &token = tokens[0];
    EXPECT(token.token_type() == "Bearer");
    EXPECT(token.access_token().size() == std::strlen(ooauthcc_token_access_token(token.native())));
    EXPECT(token.lifetime() == std::chrono::hours(1));
    const auto now = std::chrono::system_clock::now();
    EXPECT(token.expires_at() > now + std::chrono::minutes(50));
    EXPECT(token.expires_at() <= now + std::chrono::hours(1) + std::chrono::seconds(5));
    EXPECT(!token.is_expired());
    EXPECT(token.extra_json() == "{}" || token.extra_json().front() == '{');

    // The cache serves it without a request; a rejected token is dropped once.
    const auto cached = client.cached_token();
    EXPECT(cached.has_value() && cached->access_token() == token.access_token());
    EXPECT(client.get_token().access_token() == token.access_token());
    EXPECT(server.requests("cpp-herd") == 1);
    EXPECT(client.invalidate(token));
    EXPECT(!client.invalidate(std::string(token.access_token())));  // already dropped
    EXPECT(client.get_token().access_token() != token.access_token());
    EXPECT(server.requests("cpp-herd") == 2);
    EXPECT(server.is_valid(token.access_token()));  // the old Token still holds its text
}

// A wrong secret: OAuthError (invalid_client, HTTP 401) after one request.
void test_wrong_secret(const Server &server) {
    server.add("cpp-wrong", "right-secret");
    const ooauthcc::Client client(config_for(server, "cpp-wrong", "wrong-secret"));
    bool thrown = false;
    try {
        (void)client.get_token();
    } catch (const ooauthcc::OAuthError &e) {
        thrown = true;
        EXPECT(e.status() == OOAUTHCC_STATUS_OAUTH);
        EXPECT(e.kind() == "oauth");
        EXPECT(e.oauth_error() == "invalid_client");
        EXPECT(e.http_status() == 401);
        EXPECT(!e.is_retryable());
        EXPECT(e.retry_after() == std::chrono::milliseconds(0));
        EXPECT(std::strstr(e.what(), "invalid_client") != nullptr);
        EXPECT(std::strstr(e.what(), "wrong-secret") == nullptr);  // never the secret
        const ooauthcc::Error copy = e;                           // copies share the C error
        EXPECT(copy.native() == e.native() && copy.status() == e.status());
    }
    EXPECT(thrown);
    EXPECT(server.requests("cpp-wrong") == kRefusedFetchRequests);
    // Also caught as the base class, and as std::runtime_error.
    try {
        (void)client.get_token();
        EXPECT(false);
    } catch (const std::runtime_error &e) {
        EXPECT(dynamic_cast<const ooauthcc::OAuthError *>(&e) != nullptr);
    }
}

// get_token_result: the error in the Result, the value on success.
void test_get_token_result(const Server &server) {
    server.add("cpp-try", "try-secret");
    const ooauthcc::Client bad(config_for(server, "cpp-try", "not-it"));
    ooauthcc::Result<ooauthcc::Token> r = bad.get_token_result();
    EXPECT(!r.ok() && !r);
    EXPECT(r.error().status() == OOAUTHCC_STATUS_OAUTH);
    EXPECT(r.error().oauth_error() == "invalid_client");
    EXPECT(r.error().http_status() == 401);
    EXPECT(server.requests("cpp-try") == kRefusedFetchRequests);
    bool thrown = false;
    try {
        (void)r.value();  // throws the error, as its kind
    } catch (const ooauthcc::OAuthError &e) {
        thrown = e.native() == r.error().native();
    }
    EXPECT(thrown);
    thrown = false;
    try {
        r.error().raise();
    } catch (const ooauthcc::OAuthError &) {
        thrown = true;
    }
    EXPECT(thrown);
    ooauthcc::Result<ooauthcc::Token> moved = std::move(r);  // moving a failed Result
    EXPECT(!moved.ok() && moved.error().oauth_error() == "invalid_client");

    // An unreachable endpoint: TransportError, retryable, no HTTP status.
    std::string closed_url;
    {
        Server gone;
        closed_url = gone.url();
    }
    ooauthcc::Config cfg = config_for(server, "cpp-try", "try-secret");
    cfg.set_token_url(closed_url);
    const ooauthcc::Result<ooauthcc::Token> down = ooauthcc::Client(cfg).get_token_result(std::chrono::seconds(60));
    EXPECT(!down.ok());
    EXPECT(down.error().status() == OOAUTHCC_STATUS_TRANSPORT && down.error().is_retryable());
    EXPECT(down.error().http_status() == 0 && !down.error().oauth_error().has_value());
    thrown = false;
    try {
        (void)down.value();
    } catch (const ooauthcc::TransportError &) {
        thrown = true;
    }
    EXPECT(thrown);

    // Success: value() gives the token, error() is a logic error.
    const ooauthcc::Client good(config_for(server, "cpp-try", "try-secret"));
    ooauthcc::Result<ooauthcc::Token> ok = good.get_token_result();
    EXPECT(ok.ok() && static_cast<bool>(ok));
    EXPECT(server.is_valid(ok.value().access_token()));
    thrown = false;
    try {
        (void)ok.error();
    } catch (const std::logic_error &) {
        thrown = true;
    }
    EXPECT(thrown);
    const ooauthcc::Token taken = std::move(ok).value();  // moved out of the Result
    EXPECT(taken && server.is_valid(taken.access_token()));
    EXPECT(ok.ok() && !ok.value());  // the Result keeps a moved-from (empty) Token

    // An Error made without a C error object, and a status this header does not know.
    const ooauthcc::Error bare(OOAUTHCC_STATUS_TIMEOUT, nullptr);
    EXPECT(std::strstr(bare.what(), "timeout") != nullptr && bare.http_status() == 0);
    EXPECT(!bare.oauth_error() && !bare.oauth_error_description() && !bare.oauth_error_uri());
    thrown = false;
    try {
        bare.raise();
    } catch (const ooauthcc::TokenTimeoutError &) {
        thrown = true;
    }
    EXPECT(thrown);
    thrown = false;
    try {
        ooauthcc::Error(static_cast<ooauthcc_status>(77), nullptr).raise();
    } catch (const ooauthcc::Error &e) {
        thrown = e.status() == static_cast<ooauthcc_status>(77) && e.kind() == "unknown";
    }
    EXPECT(thrown);
}

// Settings: JSON, TOML, and the errors of bad ones.
void test_config(const Server &server) {
    server.add("cpp-doc", "doc-secret");
    const std::string json = std::string("{\"token_url\": \"") + server.url() +
                             "\", \"client_id\": \"cpp-doc\", \"client_secret\": \"doc-secret\"}";
    EXPECT(server.is_valid(ooauthcc::Client(ooauthcc::Config::from_json(json)).get_token().access_token()));
    const std::string toml = std::string("token_url = \"") + server.url() +
                             "\"\nclient_id = \"cpp-doc\"\nclient_secret = \"doc-secret\"\nscopes = [\"a\"]\n";
    const ooauthcc::Config from_toml = ooauthcc::Config::from_toml(toml);
    from_toml.validate();
    EXPECT(server.is_valid(ooauthcc::Client(from_toml).get_token().access_token()));

    bool thrown = false;
    try {
        (void)ooauthcc::Config::from_json("{\"client_idd\": \"x\"}");
    } catch (const ooauthcc::ConfigError &e) {
        thrown = std::strstr(e.what(), "client_idd") != nullptr;
    }
    EXPECT(thrown);
    thrown = false;
    try {
        ooauthcc::Client unset{ooauthcc::Config()};  // no token URL, no client id
    } catch (const ooauthcc::ConfigError &) {
        thrown = true;
    }
    EXPECT(thrown);
    thrown = false;
    try {
        ooauthcc::Config().set_client_id(static_cast<const char *>(nullptr));
    } catch (const ooauthcc::NullArgumentError &) {
        thrown = true;
    }
    EXPECT(thrown);
    thrown = false;
    try {
        ooauthcc::Config out_of_range = config_for(server, "cpp-doc", "doc-secret");
        out_of_range.set_refresh_ahead(2.0).validate();  // checked by validate() and by Client
    } catch (const ooauthcc::ConfigError &e) {
        thrown = std::strstr(e.what(), "refresh_ahead") != nullptr;
    }
    EXPECT(thrown);
    thrown = false;
    const ooauthcc::Client client(config_for(server, "cpp-doc", "doc-secret"));
    EXPECT(client.header_name() == "Authorization");
    client.check_destination("https://api.example.com/orders");
    try {
        client.check_destination("http://api.example.com/orders");  // plain http off loopback
    } catch (const ooauthcc::UsageError &) {
        thrown = true;
    }
    EXPECT(thrown);
}

// Moves and copies: moved-from objects are empty and safe to destroy; self-moves
// and self-copies keep the object; valgrind sees no leak and no double free.
void test_moves(const Server &server) {
    server.add("cpp-move", "move-secret");

    // Config: move-construct, move-assign, self-move.
    ooauthcc::Config a = config_for(server, "cpp-move", "move-secret");
    ooauthcc::Config b(std::move(a));
    EXPECT(!a && b);
    ooauthcc::Config c;
    c = std::move(b);  // frees c's own settings
    EXPECT(!b && c);
    c = std::move(same(c));
    EXPECT(c);
    a = std::move(c);  // into a moved-from object
    EXPECT(a && !c);
    c = std::move(b);  // moved-from into moved-from
    EXPECT(!c && !b);

    // Client: the same, plus copies (references to one client).
    ooauthcc::Client client(a);
    ooauthcc::Client moved(std::move(client));
    EXPECT(!client && moved);
    bool thrown = false;
    try {
        (void)client.get_token();  // on a moved-from Client
    } catch (const ooauthcc::NullArgumentError &) {
        thrown = true;
    }
    EXPECT(thrown);
    EXPECT(!client.get_token_result().ok() && client.get_token_result().error().status() == OOAUTHCC_STATUS_NULL_ARGUMENT);
    EXPECT(client.header_name().empty());
    ooauthcc::Client copy(moved);
    EXPECT(copy && copy.native() == moved.native());  // the same C client
    ooauthcc::Client other(config_for(server, "cpp-move", "move-secret"));
    other = copy;  // copy-assign over a live client (frees its reference)
    other = same(other);  // self-copy
    other = std::move(same(other));  // self-move
    EXPECT(other && other.native() == moved.native());
    client = std::move(other);  // move-assign into a moved-from one
    EXPECT(client && !other);
    other = ooauthcc::Client(nullptr);  // an empty one assigned
    EXPECT(!other);
    other = copy;
    EXPECT(other.native() == copy.native());
    const ooauthcc::Client empty(nullptr);
    const ooauthcc::Client empty_copy(empty);  // copying an empty Client
    EXPECT(!empty && !empty_copy);

    // Token: move, copy, self-move, self-copy, release.
    ooauthcc::Token t1 = client.get_token();
    const std::string text(t1.access_token());
    ooauthcc::Token t2(std::move(t1));
    EXPECT(!t1 && t2 && t2.access_token() == text);
    EXPECT(t1.access_token().empty() && t1.token_type().empty() && t1.is_expired());
    EXPECT(t1.expires_at() == std::chrono::system_clock::time_point() && !t1.scope());
    ooauthcc::Token t3(t2);  // another reference
    EXPECT(t3.native() == t2.native());
    t3 = std::move(same(t3));
    t3 = same(t3);
    EXPECT(t3.access_token() == text);
    t1 = t3;  // copy into a moved-from Token
    t2 = std::move(t3);  // move over a live reference
    EXPECT(!t3 && t1.access_token() == text && t2.access_token() == text);
    ooauthcc_token *raw = t2.release();
    EXPECT(!t2 && raw != nullptr);
    ooauthcc::Token t4(raw);  // and back into RAII
    EXPECT(t4.access_token() == text);
    t4 = ooauthcc::Token();
    EXPECT(!t4);
    const std::string_view kept = t1.access_token();  // valid while t1 holds the token...
    ooauthcc::Token t5(std::move(t1));                 // ...or the Token it moved into
    EXPECT(kept == text && t5.access_token().data() == kept.data());

    // The same client reference copied into many threads and dropped there.
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; i++) {
        threads.emplace_back([copy_of_client = client]() mutable {
            ooauthcc::Client mine = std::move(copy_of_client);
            ooauthcc::Token token = mine.get_token(ooauthcc::wait_forever);
            ooauthcc::Token again = token;
            (void)again;
        });
    }
    for (auto &t : threads) t.join();
    EXPECT(server.requests("cpp-move") == 1);
}

// operator<< prints a redacted token.
void test_redacted(const Server &server) {
    server.add("cpp-print", "print-secret");
    const ooauthcc::Token token = ooauthcc::Client(config_for(server, "cpp-print", "print-secret")).get_token();
    std::ostringstream out;
    out << token;
    const std::string printed = out.str();
    EXPECT(printed.find(std::string(token.access_token())) == std::string::npos);
    EXPECT(printed.find("redacted") != std::string::npos);
    EXPECT(printed.find("Bearer") != std::string::npos);
    std::ostringstream empty;
    empty << ooauthcc::Token();
    EXPECT(empty.str() == "ooauthcc::Token(empty)");
}

// Client::authorize: the header lines in the configured format, the token
// to invalidate after a 401, a refused host as UsageError; the move-only
// Authorization leaves nothing leaked (valgrind).
void test_authorize(const Server &server) {
    server.add("cpp-authorize", "authorize-secret");
    ooauthcc::Config cfg = config_for(server, "cpp-authorize", "authorize-secret");
    ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_config_set_header_format(cfg.native(), "Token {token}", e); });
    ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_config_add_resource_header(cfg.native(), "X-Tenant", "acme", e); });
    const ooauthcc::Client client(cfg);
    ooauthcc::Authorization a = client.authorize(ooauthcc_test_server_resource_url(server.raw));
    EXPECT(a.url() == ooauthcc_test_server_resource_url(server.raw));
    EXPECT(a.header_count() == 2);
    EXPECT(a.header_line(0) == "Authorization: Token " + std::string(a.access_token().c_str()));
    EXPECT(a.header_name(1) == "x-tenant" && a.header_value(1) == "acme");
    EXPECT(a.header_line(2).empty());
    EXPECT(server.is_valid(a.access_token().c_str()));
    EXPECT(client.unauthorized_retries() == 1);
    // After a 401: this token goes, the next authorization carries a new one.
    EXPECT(client.invalidate(a.access_token()));
    const ooauthcc::Authorization renewed = client.authorize(ooauthcc_test_server_resource_url(server.raw));
    EXPECT(std::strcmp(renewed.access_token().c_str(), a.access_token().c_str()) != 0);
    ooauthcc::Authorization moved = std::move(a);
    EXPECT(moved && !a);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    bool refused = false;
    try {
        (void)client.authorize("https://elsewhere.example.com/x");  // allowed: any https host
        ooauthcc::Config narrow = config_for(server, "cpp-authorize", "authorize-secret");
        ooauthcc::call([&](ooauthcc_error **e) { return ooauthcc_config_add_allowed_host(narrow.native(), "api.example.com", e); });
        (void)ooauthcc::Client(narrow).authorize(ooauthcc_test_server_resource_url(server.raw));
    } catch (const ooauthcc::UsageError &e) {
        refused = std::string(e.what()).find("allowed_hosts") != std::string::npos;
    }
    EXPECT(refused);
}

// Profiles: clients by name from a TOML document, the secret from the environment.
void test_profiles(const Server &server) {
    server.add("cpp-profile", "profile-secret");
    EXPECT(setenv("OOAUTHCC_TEST_CPP_PROFILE_SECRET", "profile-secret", 1) == 0);
    const std::string toml = std::string("[profiles.api]\ntoken_url = \"") + server.url() +
                             "\"\nclient_id = \"cpp-profile\"\nclient_secret_env = \"OOAUTHCC_TEST_CPP_PROFILE_SECRET\"\n";
    ooauthcc::Profiles profiles = ooauthcc::Profiles::from_toml(toml);
    EXPECT(profiles.names() == std::vector<std::string_view>{"api"});
    const ooauthcc::Client client = profiles.client("api");
    ooauthcc::Profiles moved = std::move(profiles);
    EXPECT(server.is_valid(client.get_token().access_token()));
    bool unknown = false;
    try {
        (void)moved.client("nope");
    } catch (const ooauthcc::ConfigError &e) {
        unknown = std::string(e.what()).find("api") != std::string::npos;
    }
    EXPECT(unknown);
}

}  // namespace

int main() {
    try {
        test_types();
        const Server server;
        test_herd(server);
        test_wrong_secret(server);
        test_get_token_result(server);
        test_config(server);
        test_moves(server);
        test_redacted(server);
        test_authorize(server);
        test_profiles(server);
        std::printf("test_cpp_raii: ok (%d checks)\n", checks);
        return 0;
    } catch (const ooauthcc::Error &e) {
        std::fprintf(stderr, "test_cpp_raii failed: ooauthcc %s: %s\n", std::string(e.kind()).c_str(), e.what());
        return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "test_cpp_raii failed: %s\n", e.what());
        return 1;
    }
}
