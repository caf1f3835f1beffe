/*
 * Named clients from one document: ooauthcc_profiles_from_file (TOML, and a
 * JSON file), with the secrets in a file and in an environment variable (never
 * inline), clients built by name against the bundled server, the names listed,
 * a profile copied into a config and changed, and the errors: an unknown name
 * (listing the known ones), a bad setting (naming the profile), a missing file,
 * NULL arguments.
 */
#include "common.h"

#include <unistd.h>

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK(fputs(text, f) >= 0);
    CHECK(fclose(f) == 0);
}

static void get_token_from(ooauthcc_client *client) {
    ooauthcc_token *token = NULL;
    TRY(ooauthcc_client_get_token, client, PATIENT_MS, &token);
    ooauthcc_token_free(token);
}

int main(void) {
    ooauthcc_test_server *server = start_server("c-profile-billing", "billing-secret");
    TRY(ooauthcc_test_server_register_client, server, "c-profile-orders", "orders-secret");
    char dir[] = "/tmp/ooauthcc-profiles-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char secret_path[256], toml_path[256], json_path[256], doc[2048];
    snprintf(secret_path, sizeof secret_path, "%s/billing.secret", dir);
    snprintf(toml_path, sizeof toml_path, "%s/profiles.toml", dir);
    snprintf(json_path, sizeof json_path, "%s/profiles.json", dir);
    write_file(secret_path, "billing-secret\n");
    CHECK(setenv("OOAUTHCC_TEST_ORDERS_SECRET", "orders-secret", 1) == 0);
    snprintf(doc, sizeof doc,
             "[profiles.billing]\n"
             "token_url = \"%s\"\n"
             "client_id = \"c-profile-billing\"\n"
             "client_secret_file = \"%s\"\n"
             "scopes = [\"invoices.read\"]\n"
             "\n"
             "[profiles.orders]\n"
             "token_url = \"%s\"\n"
             "client_id = \"c-profile-orders\"\n"
             "client_secret_env = \"OOAUTHCC_TEST_ORDERS_SECRET\"\n",
             ooauthcc_test_server_token_url(server), secret_path, ooauthcc_test_server_token_url(server));
    write_file(toml_path, doc);

    ooauthcc_profiles *profiles = NULL;
    TRY(ooauthcc_profiles_from_file, toml_path, &profiles);
    CHECK(ooauthcc_profiles_count(profiles) == 2);
    CHECK(strcmp(ooauthcc_profiles_name(profiles, 0), "billing") == 0);
    CHECK(strcmp(ooauthcc_profiles_name(profiles, 1), "orders") == 0);
    CHECK(ooauthcc_profiles_name(profiles, 2) == NULL);

    ooauthcc_client *billing = NULL, *orders = NULL;
    TRY(ooauthcc_profiles_client, profiles, "billing", &billing);
    TRY(ooauthcc_profiles_client, profiles, "orders", &orders);
    /* A profile as a config, changed before building: same entry as `billing`
     * once the change is undone, a separate one with another scope. */
    ooauthcc_config *cfg = NULL;
    TRY(ooauthcc_profiles_config, profiles, "billing", &cfg);
    TRY(ooauthcc_config_add_scope, cfg, "invoices.write");
    ooauthcc_client *billing_write = client_from(cfg);
    ooauthcc_config_free(cfg);
    ooauthcc_profiles_free(profiles); /* the clients live on */

    get_token_from(billing);
    get_token_from(billing);
    get_token_from(orders);
    get_token_from(billing_write);
    CHECK(requests(server, "c-profile-billing") == 2); /* one per scope set, then cached */
    CHECK(requests(server, "c-profile-orders") == 1);
    ooauthcc_client_free(billing);
    ooauthcc_client_free(orders);
    ooauthcc_client_free(billing_write);

    /* The same document as JSON, by the file's extension. */
    snprintf(doc, sizeof doc,
             "{\"profiles\": {\"orders\": {\"token_url\": \"%s\", \"client_id\": \"c-profile-orders\","
             " \"client_secret_env\": \"OOAUTHCC_TEST_ORDERS_SECRET\"}}}",
             ooauthcc_test_server_token_url(server));
    write_file(json_path, doc);
    TRY(ooauthcc_profiles_from_file, json_path, &profiles);
    CHECK(ooauthcc_profiles_count(profiles) == 1);

    /* Errors. */
    ooauthcc_error *err = NULL;
    ooauthcc_client *none = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_profiles_client, profiles, "billing", &none);
    CHECK(contains(ooauthcc_error_message(err), "\"billing\"") && contains(ooauthcc_error_message(err), "orders"));
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_profiles_client, profiles, NULL, &none);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_NULL_ARGUMENT, ooauthcc_profiles_client, NULL, "orders", &none);
    ooauthcc_error_free(err);
    ooauthcc_profiles_free(profiles);

    ooauthcc_profiles *bad = NULL;
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_profiles_from_toml,
           "[profiles.broken]\ntoken_url = \"https://idp.example.com/t\"\nclient_id = \"x\"\nclient_secret = \"s\"\n"
           "refresh_ahead = 7\n",
           &bad);
    CHECK(bad == NULL);
    CHECK(contains(ooauthcc_error_message(err), "broken") && contains(ooauthcc_error_message(err), "refresh_ahead"));
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_profiles_from_json, "{\"profiles\": 3}", &bad);
    ooauthcc_error_free(err);
    EXPECT(&err, OOAUTHCC_STATUS_CONFIG, ooauthcc_profiles_from_file, "/nonexistent/profiles.toml", &bad);
    CHECK(contains(ooauthcc_error_message(err), "/nonexistent/profiles.toml"));
    ooauthcc_error_free(err);
    CHECK(ooauthcc_profiles_count(NULL) == 0 && ooauthcc_profiles_name(NULL, 0) == NULL);
    ooauthcc_profiles_free(NULL);

    unlink(secret_path);
    unlink(toml_path);
    unlink(json_path);
    rmdir(dir);
    ooauthcc_test_server_free(server);
    puts("test_profiles: ok");
    return 0;
}
