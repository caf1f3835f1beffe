/*
 * fork() while the library is busy: the child gets the cached token without a
 * request, and a fresh one after invalidation, while a parent thread keeps
 * fetching. A child that hangs (the failure this guards against) is killed
 * and fails the test.
 */
#include "common.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_bool stop;
static atomic_long parent_fetches;

/* Keeps the library's runtime busy: fetch, invalidate, fetch again. */
static void *busy_parent(void *arg) {
    const ooauthcc_client *client = arg;
    while (!atomic_load(&stop)) {
        ooauthcc_token *token = NULL;
        if (ooauthcc_client_get_token(client, PATIENT_MS, &token, NULL) != OOAUTHCC_STATUS_OK) {
            fprintf(stderr, "parent worker: get_token failed\n");
            exit(1);
        }
        ooauthcc_client_invalidate(client, ooauthcc_token_access_token(token), NULL, NULL);
        ooauthcc_token_free(token);
        atomic_fetch_add(&parent_fetches, 1);
    }
    return NULL;
}

static uint64_t token_requests(const ooauthcc_client *client) {
    uint64_t sent = 0;
    if (ooauthcc_client_stat(client, OOAUTHCC_STAT_TOKEN_REQUESTS, &sent, NULL) != OOAUTHCC_STATUS_OK) return UINT64_MAX;
    return sent;
}

/* The child's checks; the exit code says which step failed. */
static int child(const ooauthcc_client *cached_client, const ooauthcc_client *busy_client, const char *parent_token) {
    /* 1. The cached token survives the fork: same token, no request. */
    uint64_t before = token_requests(cached_client);
    ooauthcc_token *token = NULL;
    if (ooauthcc_client_get_token(cached_client, PATIENT_MS, &token, NULL) != OOAUTHCC_STATUS_OK) return 2;
    if (strcmp(ooauthcc_token_access_token(token), parent_token) != 0) return 3;
    if (token_requests(cached_client) != before) return 4;
    /* 2. After invalidation, a fresh token from the child's own runtime. */
    ooauthcc_client_invalidate(cached_client, parent_token, NULL, NULL);
    ooauthcc_token *fresh = NULL;
    if (ooauthcc_client_get_token(cached_client, PATIENT_MS, &fresh, NULL) != OOAUTHCC_STATUS_OK) return 5;
    if (strcmp(ooauthcc_token_access_token(fresh), parent_token) == 0) return 6;
    if (token_requests(cached_client) != before + 1) return 7;
    /* 3. The client whose fetches were in flight during the fork works too. */
    ooauthcc_token *other = NULL;
    ooauthcc_status st = ooauthcc_client_get_token(busy_client, PATIENT_MS, &other, NULL);
    if (st != OOAUTHCC_STATUS_OK) return 8;
    ooauthcc_token_free(other);
    ooauthcc_token_free(fresh);
    ooauthcc_token_free(token);
    return 0;
}

/* Waits for `pid` at most `seconds`; kills it when it hangs. Returns its exit code. */
static int wait_child(pid_t pid, int seconds) {
    for (int waited = 0;; waited += 20) {
        int status = 0;
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid) {
            if (!WIFEXITED(status)) {
                fprintf(stderr, "child did not exit normally (status %#x)\n", status);
                return 100;
            }
            return WEXITSTATUS(status);
        }
        if (waited > seconds * 1000) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fprintf(stderr, "the forked child hung and was killed\n");
            return 101;
        }
        sleep_ms(20);
    }
}

int main(void) {
    ooauthcc_test_server *server = start_server("fork-cached", "s");
    TRY(ooauthcc_test_server_register_client, server, "fork-busy", "s");
    ooauthcc_config *cfg = config_for(server, "fork-cached", "s");
    ooauthcc_client *cached = client_from(cfg);
    ooauthcc_config_free(cfg);
    cfg = config_for(server, "fork-busy", "s");
    ooauthcc_client *busy = client_from(cfg);
    ooauthcc_config_free(cfg);

    /* Before the fork: the runtime runs, a token is cached, another client keeps fetching. */
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, cached, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    char parent_token[128];
    snprintf(parent_token, sizeof parent_token, "%s", ooauthcc_token_access_token(token));
    ooauthcc_token_free(token);
    pthread_t worker;
    CHECK(pthread_create(&worker, NULL, busy_parent, busy) == 0);
    sleep_ms(50);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(child(cached, busy, parent_token)); /* _exit: no parent destructors run twice */

    int code = wait_child(pid, 120);
    atomic_store(&stop, true);
    CHECK(pthread_join(worker, NULL) == 0);
    if (code != 0) {
        fprintf(stderr, "child failed at step %d\n", code);
        return 1;
    }
    CHECK(atomic_load(&parent_fetches) > 0);
    /* The parent keeps working: its cached token is still the one from before the fork. */
    TRY(ooauthcc_client_get_token, cached, OOAUTHCC_TIMEOUT_CONFIGURED, &token);
    CHECK(strcmp(ooauthcc_token_access_token(token), parent_token) == 0);
    bool valid = false;
    TRY(ooauthcc_test_server_is_valid_token, server, ooauthcc_token_access_token(token), &valid);
    CHECK(valid);
    ooauthcc_token_free(token);
    ooauthcc_client_free(cached);
    ooauthcc_client_free(busy);
    ooauthcc_test_server_free(server);
    printf("test_fork: ok (parent fetched %ld tokens meanwhile)\n", atomic_load(&parent_fetches));
    return 0;
}
