/*
 * Keeps RELIABILITY.md true from C, as core/tests/fault_matrix.rs does from
 * Rust: reads the table (argv[1]), provokes each row's fault against the
 * bundled server (or a closed port, or a TLS server with the untrusted
 * certificate of argv[2], core/tests/fixtures/tls) with the same settings,
 * and fails when the error kind, the HTTP status, the number of requests (the
 * client's count and the server's) or the time to fail disagree with the row.
 * A fault this program does not know fails it too.
 *
 * The rows run side by side, one thread each, after one successful request
 * and one TLS handshake with the same transport settings (so that building the
 * shared HTTP client and loading the system's root certificates count against
 * no row: under valgrind they take seconds). For slow
 * runs (valgrind, which runs one thread at a time), OOAUTHCC_TEST_TIME_SCALE
 * (a number, default 1) stretches the time bounds and OOAUTHCC_TEST_SERIAL=1
 * runs the rows one after the other.
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#define SECRET "matrix-secret"
#define MAX_ROWS 64

struct row {
    char fault[128];
    char kind[32];
    unsigned status; /* 0: "-" */
    uint64_t requests;
    double within_s;
    /* results */
    char failure[1024];
};

static struct row rows[MAX_ROWS];
static int row_count;
static char tls_dir[1024];
static double time_scale = 1.0;
static ooauthcc_test_server *redirect_target;

static char *trim(char *s) {
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = 0;
    return s;
}

/* The rows of the table: lines starting with "| ", but not its header or rule. */
static void read_table(const char *path) {
    char *text = read_text_file(path);
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strncmp(line, "| ", 2) != 0 || strncmp(line, "| fault", 7) == 0 || strncmp(line, "|---", 4) == 0) {
            continue;
        }
        CHECK(row_count < MAX_ROWS);
        char *cells[5];
        int n = 0;
        char *p = line + 1;
        while (n < 5) {
            char *bar = strchr(p, '|');
            if (bar == NULL) break;
            *bar = 0;
            cells[n++] = trim(p);
            p = bar + 1;
        }
        if (n != 5) {
            fprintf(stderr, "RELIABILITY.md: a row without 5 cells: %s\n", line);
            exit(1);
        }
        struct row *r = &rows[row_count++];
        snprintf(r->fault, sizeof r->fault, "%s", cells[0]);
        snprintf(r->kind, sizeof r->kind, "%s", cells[1]);
        r->status = strcmp(cells[2], "-") == 0 ? 0 : (unsigned)strtoul(cells[2], NULL, 10);
        char *end;
        r->requests = strtoull(cells[3], &end, 10);
        CHECK(*end == 0 && end != cells[3]);
        r->within_s = strtod(cells[4], &end);
        CHECK(*end == 0 && end != cells[4]);
    }
    free(text);
}

/* An HTTP-date `ahead_ms` from now (seconds truncated, like Rust's httpdate). */
static void http_date(char *out, size_t len, int64_t ahead_ms) {
    time_t t = (time_t)((now_unix_ms() + ahead_ms) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static double monotonic_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A port on 127.0.0.1 that refuses connections: bound (so no one else takes
 * it) but not listening. Returns the socket; the port goes to *port. */
static int refusing_port(unsigned *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
    socklen_t len = sizeof addr;
    CHECK(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
    *port = ntohs(addr.sin_port);
    return fd;
}

#define FAIL(r, ...)                                                                  \
    do {                                                                              \
        size_t used_ = strlen((r)->failure);                                          \
        snprintf((r)->failure + used_, sizeof (r)->failure - used_, __VA_ARGS__);     \
    } while (0)

/* Sets up the row's scenario: its server, URL and fault. Returns 0 when the fault is unknown. */
static int scenario(struct row *r, ooauthcc_test_server **server, char *url, size_t url_len, int *refusing_fd,
                    int *reaches_server) {
    const char *f = r->fault;
    *reaches_server = 1;
    if (strcmp(f, "TLS: untrusted server certificate") == 0) {
        char chain[1200], key[1200];
        snprintf(chain, sizeof chain, "%s/server.pem", tls_dir);
        snprintf(key, sizeof key, "%s/server.key.pem", tls_dir);
        TRY(ooauthcc_test_server_start_tls_files, chain, key, "", server);
        *reaches_server = 0; /* the handshake fails before any request */
        snprintf(url, url_len, "%s", ooauthcc_test_server_token_url(*server));
        return 1;
    }
    TRY(ooauthcc_test_server_start, server);
    snprintf(url, url_len, "%s", ooauthcc_test_server_token_url(*server));
    const ooauthcc_test_server *s = *server;
    char date[64];
    if (strcmp(f, "connection refused") == 0) {
        unsigned port;
        *refusing_fd = refusing_port(&port);
        snprintf(url, url_len, "http://127.0.0.1:%u/token", port);
        *reaches_server = 0;
    } else if (strcmp(f, "connection closed mid-body") == 0) {
        TRY(ooauthcc_test_server_set_fault, s, OOAUTHCC_TEST_FAULT_CLOSE_MID_BODY, 0);
    } else if (strcmp(f, "slow response (30 s)") == 0) {
        TRY(ooauthcc_test_server_set_fault_slow_ms, s, 30000, 0);
    } else if (strcmp(f, "slowloris body (1 byte / 0.5 s)") == 0) {
        TRY(ooauthcc_test_server_set_fault_slow_body_ms, s, 500, 0);
    } else if (strcmp(f, "HTTP 500") == 0) {
        TRY(ooauthcc_test_server_set_fault_status, s, 500, "", 0);
    } else if (strcmp(f, "HTTP 502") == 0) {
        TRY(ooauthcc_test_server_set_fault_status, s, 502, "", 0);
    } else if (strcmp(f, "HTTP 503") == 0) {
        TRY(ooauthcc_test_server_set_fault_status, s, 503, "", 0);
    } else if (strcmp(f, "HTTP 504") == 0) {
        TRY(ooauthcc_test_server_set_fault_status, s, 504, "", 0);
    } else if (strcmp(f, "HTTP 429 without Retry-After") == 0) {
        TRY(ooauthcc_test_server_set_fault_status, s, 429, "", 0);
    } else if (strcmp(f, "HTTP 429, Retry-After: 1") == 0) {
        TRY(ooauthcc_test_server_set_fault_status, s, 429, "1", 0);
    } else if (strcmp(f, "HTTP 503, Retry-After: HTTP-date 1 s ahead") == 0) {
        http_date(date, sizeof date, 1999);
        TRY(ooauthcc_test_server_set_fault_status, s, 503, date, 0);
    } else if (strcmp(f, "HTTP 429, Retry-After: 3600 (beyond retry_max_delay)") == 0) {
        TRY(ooauthcc_test_server_set_fault_status, s, 429, "3600", 0);
    } else if (strcmp(f, "oversized body (2 MiB)") == 0) {
        TRY(ooauthcc_test_server_set_fault, s, OOAUTHCC_TEST_FAULT_OVERSIZED, 0);
    } else if (strcmp(f, "invalid UTF-8 body") == 0) {
        TRY(ooauthcc_test_server_set_fault, s, OOAUTHCC_TEST_FAULT_INVALID_UTF8, 0);
    } else if (strcmp(f, "deeply nested JSON (100,000 `[`)") == 0) {
        TRY(ooauthcc_test_server_set_fault, s, OOAUTHCC_TEST_FAULT_DEEPLY_NESTED, 0);
    } else if (strcmp(f, "200 with empty body") == 0) {
        TRY(ooauthcc_test_server_set_fault, s, OOAUTHCC_TEST_FAULT_EMPTY_BODY, 0);
    } else if (strcmp(f, "200 with HTML body") == 0) {
        TRY(ooauthcc_test_server_set_fault, s, OOAUTHCC_TEST_FAULT_NON_JSON, 0);
    } else if (strcmp(f, "200 carrying an OAuth error") == 0) {
        TRY(ooauthcc_test_server_set_fault, s, OOAUTHCC_TEST_FAULT_ERROR_IN200, 0);
    } else if (strcmp(f, "302 redirect to another loopback port") == 0) {
        TRY(ooauthcc_test_server_set_fault_redirect, s, ooauthcc_test_server_token_url(redirect_target), 0);
    } else if (strcmp(f, "401 invalid_client (wrong secret)") == 0) {
        /* no fault: the config below sends a wrong secret */
    } else {
        return 0;
    }
    return 1;
}

/* The settings of every scenario, as in RELIABILITY.md. */
static ooauthcc_config *matrix_config(const char *url, const char *id, const char *secret) {
    ooauthcc_config *cfg = ooauthcc_config_new();
    CHECK(cfg != NULL);
    TRY(ooauthcc_config_set_token_url, cfg, url);
    TRY(ooauthcc_config_set_client_id, cfg, id);
    TRY(ooauthcc_config_set_client_secret, cfg, secret);
    TRY(ooauthcc_config_set_max_retries, cfg, 1);
    TRY(ooauthcc_config_set_retry_base_delay_ms, cfg, 20);
    TRY(ooauthcc_config_set_retry_max_delay_ms, cfg, 2000);
    TRY(ooauthcc_config_set_request_timeout_ms, cfg, 1000);
    return cfg;
}

/* Asks `server` for a token with the matrix's settings, not timed; true on success. */
static bool warm_up_with(ooauthcc_test_server *server, const char *suffix) {
    char id[64];
    snprintf(id, sizeof id, "matrix-%ld-warm-up-%s", (long)getpid(), suffix);
    TRY(ooauthcc_test_server_register_client, server, id, SECRET);
    ooauthcc_config *cfg = matrix_config(ooauthcc_test_server_token_url(server), id, SECRET);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_token *token = NULL;
    ooauthcc_status st = ooauthcc_client_get_token(client, PATIENT_MS, &token, NULL);
    ooauthcc_token_free(token);
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
    return st == OOAUTHCC_STATUS_OK;
}

/* A successful request, and a TLS handshake that fails (the certificate is not trusted). */
static void warm_up(void) {
    ooauthcc_test_server *server = NULL;
    TRY(ooauthcc_test_server_start, &server);
    CHECK(warm_up_with(server, "http"));
    char chain[1200], key[1200];
    snprintf(chain, sizeof chain, "%s/server.pem", tls_dir);
    snprintf(key, sizeof key, "%s/server.key.pem", tls_dir);
    TRY(ooauthcc_test_server_start_tls_files, chain, key, "", &server);
    CHECK(!warm_up_with(server, "https"));
}

static void *run_row(void *arg) {
    struct row *r = arg;
    ooauthcc_test_server *server = NULL;
    char url[256], id[96];
    int refusing_fd = -1, reaches_server = 1;
    if (!scenario(r, &server, url, sizeof url, &refusing_fd, &reaches_server)) {
        FAIL(r, "RELIABILITY.md names a fault this test does not know");
        ooauthcc_test_server_free(server);
        return NULL;
    }
    snprintf(id, sizeof id, "matrix-%ld-%d", (long)getpid(), (int)(r - rows));
    TRY(ooauthcc_test_server_register_client, server, id, SECRET);

    ooauthcc_config *cfg = matrix_config(url, id, strncmp(r->fault, "401", 3) == 0 ? "wrong" : SECRET);
    ooauthcc_client *client = client_from(cfg);
    ooauthcc_config_free(cfg);

    ooauthcc_token *token = NULL;
    ooauthcc_error *err = NULL;
    double start = monotonic_s();
    ooauthcc_status st = ooauthcc_client_get_token(client, 4000, &token, &err);
    double elapsed = monotonic_s() - start;

    if (st == OOAUTHCC_STATUS_OK) {
        FAIL(r, "got a token, expected %s; ", r->kind);
        ooauthcc_token_free(token);
    } else {
        const char *message = ooauthcc_error_message(err);
        if (strcmp(ooauthcc_status_name(st), r->kind) != 0) {
            FAIL(r, "error kind %s (%s), expected %s; ", ooauthcc_status_name(st), message, r->kind);
        }
        if (ooauthcc_error_status(err) != st) FAIL(r, "the error object says %u; ", ooauthcc_error_status(err));
        if (ooauthcc_error_http_status(err) != r->status) {
            FAIL(r, "HTTP status %u, expected %u (0: none); ", ooauthcc_error_http_status(err), r->status);
        }
        ooauthcc_error_free(err);
    }
    uint64_t sent = 0;
    TRY(ooauthcc_client_stat, client, OOAUTHCC_STAT_TOKEN_REQUESTS, &sent);
    if (sent != r->requests) {
        FAIL(r, "%llu requests sent, expected %llu; ", (unsigned long long)sent, (unsigned long long)r->requests);
    }
    uint64_t seen = requests(server, id), want_seen = reaches_server ? r->requests : 0;
    if (seen != want_seen) {
        FAIL(r, "the server saw %llu requests, expected %llu; ", (unsigned long long)seen,
             (unsigned long long)want_seen);
    }
    if (elapsed > r->within_s * time_scale) {
        FAIL(r, "failed after %.2f s, the table says within %.1f s (x%.1f); ", elapsed, r->within_s, time_scale);
    }
    ooauthcc_client_free(client);
    ooauthcc_test_server_free(server);
    if (refusing_fd >= 0) close(refusing_fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s RELIABILITY.md TLS_FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    snprintf(tls_dir, sizeof tls_dir, "%s", argv[2]);
    const char *scale = getenv("OOAUTHCC_TEST_TIME_SCALE");
    if (scale != NULL && *scale) {
        time_scale = strtod(scale, NULL);
        CHECK(time_scale >= 1.0);
    }
    read_table(argv[1]);
    if (row_count < 20) {
        fprintf(stderr, "the table was not read: %d rows\n", row_count);
        return 1;
    }
    warm_up();
    TRY(ooauthcc_test_server_start, &redirect_target);

    const char *serial = getenv("OOAUTHCC_TEST_SERIAL");
    if (serial != NULL && strcmp(serial, "1") == 0) {
        for (int i = 0; i < row_count; i++) run_row(&rows[i]);
    } else {
        pthread_t threads[MAX_ROWS];
        for (int i = 0; i < row_count; i++) CHECK(pthread_create(&threads[i], NULL, run_row, &rows[i]) == 0);
        for (int i = 0; i < row_count; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    }

    uint64_t redirected = 0;
    TRY(ooauthcc_test_server_total_requests, redirect_target, &redirected);
    ooauthcc_test_server_free(redirect_target);

    int failed = 0;
    for (int i = 0; i < row_count; i++) {
        if (rows[i].failure[0]) {
            fprintf(stderr, "FAILED %s: %s\n", rows[i].fault, rows[i].failure);
            failed++;
        }
    }
    if (redirected != 0) {
        fprintf(stderr, "FAILED a redirect was followed: the other port's server saw %llu requests\n",
                (unsigned long long)redirected);
        failed++;
    }
    if (failed) return 1;
    printf("test_fault_matrix: ok (%d rows of RELIABILITY.md)\n", row_count);
    return 0;
}
