# frozen_string_literal: true

# Get OAuth 2.0 client-credentials tokens from Ruby.
# Runs against the bundled test server; for a real identity provider, pass
# your token_url, client_id and client_secret and drop the server.
#   ruby -I lib examples/example.rb
require "ooauthcc"
require "ooauthcc/testing" # the bundled test server (libooauthcc_testing)

Ooauthcc::Testing::Server.start do |server| # stands in for your identity provider
  server.register_client("my-service", "s3cr3t")

  Ooauthcc::Client.open(token_url: server.token_url, client_id: "my-service", client_secret: "s3cr3t",
                        scopes: ["orders.read"]) do |client|
    threads = Array.new(8) do |i|
      Thread.new do
        token = client.token # 8 threads, one request
        # Send "Authorization: #{client.header_value}". If the API answers
        # 401, call client.invalidate(token) and try once more.
        puts "thread #{i}: #{token}"
      end
    end
    threads.each(&:join)
    puts "token requests sent: #{client.stats[:token_requests]} (the other calls shared it or hit the cache)"
  rescue Ooauthcc::OAuthError => e
    warn "rejected: #{e.oauth_error} (HTTP #{e.http_status}): #{e.message}"
    exit 1
  end
end
