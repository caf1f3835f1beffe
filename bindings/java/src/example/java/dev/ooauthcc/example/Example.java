package dev.ooauthcc.example;

import dev.ooauthcc.Client;
import dev.ooauthcc.OoauthccException;
import dev.ooauthcc.Token;
import dev.ooauthcc.testing.TestServer;
import java.util.List;
import java.util.Map;

/**
 * Gets OAuth 2.0 client-credentials tokens from Java. Runs against the bundled test server; for a
 * real identity provider, set token_url, client_id and client_secret to yours and drop the server.
 */
public final class Example {
    public static void main(String[] args) {
        try (TestServer server = TestServer.start()) { // stands in for your identity provider
            server.registerClient("my-service", "s3cr3t");

            try (Client client = Client.fromMap(Map.of(
                    "token_url", server.tokenUrl(),
                    "client_id", "my-service",
                    "client_secret", "s3cr3t",
                    "scopes", List.of("orders.read")))) {
                for (int call = 1; call <= 3; call++) {
                    Token token = client.getToken();
                    // Send "Authorization: Bearer " + token.accessToken(). If the API answers 401,
                    // call client.invalidate(token) and try once more.
                    System.out.printf("call %d: %s%n", call, token);
                }
                System.out.printf("token requests sent: %d (the other calls were served from the cache)%n",
                        client.stats().tokenRequests());
            }
        } catch (OoauthccException e) {
            System.err.printf("ooauthcc error (%s, status %d): %s%n", e.kind(), e.status(), e.getMessage());
            System.exit(1);
        }
    }
}
