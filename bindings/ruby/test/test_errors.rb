# frozen_string_literal: true

require "socket"
require "test_helper"

# Each failure comes out as its own Ooauthcc::Error subclass with the C
# status, the HTTP status and the OAuth fields; never with the secret.
class TestErrors < OoauthccTest
  def test_wrong_secret_is_one_request_and_an_oauth_error
    @server.latency_ms = 100
    # Basic only: the default, auto, would ask a refused client a second time with the secret in the body.
    client = Ooauthcc::Client.new(token_url: @server.token_url, client_id: @client_id,
                                  client_secret: "wrong-secret-xyz", get_timeout: 10,
                                  auth_method: "client_secret_basic")
    @clients << client
    results = herd(32) { client.token }
    assert_equal 32, results.grep(Ooauthcc::OAuthError).size, results.map(&:class).tally.inspect
    # Callers retrying at once get the remembered failure: still one request.
    error = assert_raises(Ooauthcc::OAuthError) { client.token }
    assert_equal 1, requests
    assert_kind_of Ooauthcc::Error, error
    assert_equal 13, error.status
    assert_equal "oauth", error.kind
    assert_equal "invalid_client", error.oauth_error
    assert_equal 401, error.http_status
    refute error.retryable?
    refute_includes error.message, "wrong-secret-xyz"
    refute_includes error.full_message, "wrong-secret-xyz"
    refute_includes error.inspect, "wrong-secret-xyz"
    assert_equal 1, client.stat(:failures)
  end

  def test_unknown_setting_is_a_config_error_naming_it
    error = assert_raises(Ooauthcc::ConfigError) { new_client(no_such_setting: 1) }
    assert_equal 3, error.status
    assert_equal "config", error.kind
    assert_includes error.message, "no_such_setting"
  end

  def test_invalid_setting_is_a_config_error_without_the_secret
    error = assert_raises(Ooauthcc::ConfigError) do
      Ooauthcc::Client.new(token_url: "not a url", client_id: "x", client_secret: "do-not-print-me")
    end
    assert_includes error.message, "token_url"
    refute_includes error.message, "do-not-print-me"
  end

  def test_server_error_is_an_http_status_error
    @server.set_fault_status(503, retry_after: "7")
    client = new_client(max_retries: 0)
    error = assert_raises(Ooauthcc::HttpStatusError) { client.token }
    assert_equal 12, error.status
    assert_equal 503, error.http_status
    assert_equal 7.0, error.retry_after
    assert error.retryable?
  end

  def test_unusable_body_is_a_malformed_response_error
    @server.set_fault(:non_json)
    error = assert_raises(Ooauthcc::MalformedResponseError) { new_client.token }
    assert_equal 14, error.status
  end

  def test_nobody_listening_is_a_transport_error
    port = TCPServer.open("127.0.0.1", 0) { |s| s.addr[1] } # a port nobody listens on any more
    client = Ooauthcc::Client.new(token_url: "http://127.0.0.1:#{port}/token", client_id: @client_id,
                                  client_secret: SECRET, max_retries: 0)
    @clients << client
    error = assert_raises(Ooauthcc::TransportError) { client.token }
    assert_equal 10, error.status
    assert_nil error.http_status
  end

  def test_slow_server_is_a_timeout_error
    @server.latency_ms = 2000
    client = new_client
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    error = assert_raises(Ooauthcc::TimeoutError) { client.token(timeout: 0.2) }
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 1.5
    assert_equal 11, error.status
  end

  def test_destination_not_allowed_is_a_usage_error
    client = new_client(allowed_hosts: ["api.example.com"])
    assert client.check_destination("https://api.example.com/orders")
    assert_raises(Ooauthcc::UsageError) { client.check_destination("https://evil.example.net/") }
    assert_raises(Ooauthcc::InvalidArgumentError) { client.check_destination("not a url") }
  end

  def test_every_status_has_its_class
    { 1 => Ooauthcc::NullArgumentError, 2 => Ooauthcc::InvalidArgumentError, 3 => Ooauthcc::ConfigError,
      10 => Ooauthcc::TransportError, 11 => Ooauthcc::TimeoutError, 12 => Ooauthcc::HttpStatusError,
      13 => Ooauthcc::OAuthError, 14 => Ooauthcc::MalformedResponseError, 15 => Ooauthcc::StoreError,
      21 => Ooauthcc::UsageError, 99 => Ooauthcc::InternalError }.each do |status, klass|
      assert_equal klass, Ooauthcc::Error.class_for(status)
      assert_equal status, klass.new("x").status
      refute_equal "unknown", klass.new("x").kind, klass.name
    end
    assert_equal Ooauthcc::Error, Ooauthcc::Error.class_for(1234)
  end
end
