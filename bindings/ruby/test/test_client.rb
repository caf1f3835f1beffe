# frozen_string_literal: true

require "json"
require "pp"
require "test_helper"

# The client's calls and counters, token redaction, and use after close.
class TestClient < OoauthccTest
  def test_stats_count_requests_hits_and_waits
    client = new_client
    assert_equal 0, client.stats[:token_requests]
    first = client.token
    4.times { assert_same first, client.token, "a cache hit gives back the same frozen Token" }
    stats = client.stats
    assert_equal 1, stats[:token_requests]
    assert_equal 1, stats[:fetches]
    assert_equal 1, stats[:waits], "the first call waited"
    assert_equal 4, stats[:cache_hits], "the next four came from the cache"
    assert_equal 0, stats[:failures]
    assert_equal 1, requests, "the server agrees"
    assert_equal 1, client.stat(:token_requests)
    assert_raises(ArgumentError) { client.stat(:no_such_counter) }
    %i[token_requests cache_hits waits background_refreshes failures fetches].each do |name|
      assert_includes stats.keys, name
    end
  end

  def test_token_fields_and_header
    client = new_client(scopes: ["orders.read"])
    token = client.token
    assert_equal "Bearer", token.token_type
    assert_kind_of Time, token.expires_at
    assert_in_delta 3600, token.expires_in, 60
    assert_in_delta 3600, token.lifetime, 1
    assert_equal "orders.read", token.scope
    assert_kind_of Hash, token.extra
    assert token.frozen?
    assert_equal "Bearer #{token.access_token}", client.header_value
    assert_equal "Authorization", client.header_name
    assert_nil client.query_param
    assert_equal 1, requests
  end

  def test_settings_from_a_hash_json_and_toml
    settings = { "token_url" => @server.token_url, "client_id" => @client_id, "client_secret" => SECRET }
    tokens = [Ooauthcc::Client.new(settings), Ooauthcc::Client.from_json(JSON.generate(settings)),
              Ooauthcc::Client.from_toml(settings.map { |k, v| "#{k} = #{v.dump}" }.join("\n"))]
                          .map { |client| @clients << client; client.token }
    assert_equal 1, tokens.uniq.size
    assert_equal 1, requests
    assert_raises(Ooauthcc::ConfigError) { Ooauthcc::Client.from_json("{not json") }
  end

  def test_invalidate_drops_only_the_rejected_token
    client = new_client
    first = client.token
    assert_equal true, client.invalidate(first)
    assert_equal false, client.invalidate(first), "a second report of the same token drops nothing"
    second = client.token
    refute_equal first, second
    assert_equal false, client.invalidate(first.access_token), "a late report never drops a newer token"
    assert_equal second, client.token
    assert_equal 2, requests
  end

  def test_cached_token_never_fetches
    client = new_client
    assert_nil client.cached_token
    assert_equal 0, requests
    token = client.token
    assert_equal token, client.cached_token
    assert_equal 1, requests
  end

  def test_printable_forms_redact_the_token
    client = new_client
    token = client.token
    secret_part = token.access_token
    assert_operator secret_part.size, :>, 8
    printed = [token.to_s, token.inspect, "#{token}", token.pretty_inspect, PP.pp(token, +""), [token].inspect,
               { t: token }.to_s, token.to_json, client.inspect, client.to_s]
    printed.each do |text|
      refute_includes text, secret_part
      refute_includes text, SECRET
    end
    assert_includes token.inspect, "REDACTED"
    assert_includes token.inspect, "#{secret_part.bytesize} bytes"
    assert_includes token.inspect, "Bearer"
  end

  def test_use_after_close_is_a_clear_error
    client = new_client
    client.token
    client.close
    assert client.closed?
    client.close # harmless
    %i[token cached_token header_value header_name query_param stats].each do |call|
      error = assert_raises(Ooauthcc::ClosedError, call) { client.public_send(call) }
      assert_kind_of Ooauthcc::UsageError, error
      assert_equal 21, error.status
      assert_equal "usage", error.kind
      assert_includes error.message, "closed"
    end
    assert_raises(Ooauthcc::ClosedError) { client.invalidate("x") }
    assert_raises(Ooauthcc::ClosedError) { client.stat(:token_requests) }
    assert_includes client.inspect, "closed"
  end

  def test_close_waits_for_a_call_in_flight
    @server.latency_ms = 500
    client = new_client
    caller = Thread.new { client.token }
    sleep 0.05 until caller.status == "sleep" || !caller.alive? # the call is waiting (GVL released)
    sleep 0.1
    client.close # while the request is in flight: the native client stays until the call returns
    assert caller.alive?, "still waiting"
    # White box: freeing the native client under a waiting call would be a use after free,
    # which nothing outside would reliably show.
    refute_nil client.instance_variable_get(:@handle), "not freed while a call is in flight"
    assert @server.valid_token?(caller.value)
    assert_nil client.instance_variable_get(:@handle), "freed when the call returned"
    assert_raises(Ooauthcc::ClosedError) { client.token }
  end

  def test_open_with_a_block_closes
    kept = nil
    token = Ooauthcc::Client.open(token_url: @server.token_url, client_id: @client_id, client_secret: SECRET) do |c|
      kept = c
      c.token
    end
    assert kept.closed?
    assert @server.valid_token?(token)
  end

  def test_require_ooauthcc_loads_only_the_production_library
    lib = File.expand_path("../lib", __dir__)
    script = 'require "ooauthcc"; maps = File.read("/proc/self/maps"); ' \
             'print [maps.include?("libooauthcc.so"), maps.include?("libooauthcc_testing"), ' \
             'defined?(Ooauthcc::Testing).nil?, Ooauthcc.library_version].join(",")'
    out = IO.popen([RbConfig.ruby, "-I", lib, "-e", script], &:read)
    assert $?.success?
    assert_equal "true,false,true,#{Ooauthcc.library_version}", out
    assert_match(/\A0\.2\.\d+/, Ooauthcc.library_version)
  end
end
