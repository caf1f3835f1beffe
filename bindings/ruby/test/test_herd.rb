# frozen_string_literal: true

require "test_helper"

# Single flight from Ruby threads: a herd on an empty cache and on an expired
# one makes exactly one request each time, and every thread gets its token.
class TestHerd < OoauthccTest
  THREADS = 48

  def test_herd_on_empty_cache_makes_one_request
    @server.latency_ms = 200 # keeps the one request in flight while the herd arrives
    client = new_client
    tokens = herd(THREADS) { client.token }
    assert_equal [], tokens.grep(Exception)
    assert_equal THREADS, tokens.size
    assert_equal 1, tokens.map(&:access_token).uniq.size, "every thread gets the same token"
    assert_match(/\Aat_/, tokens.first.access_token)
    assert @server.valid_token?(tokens.first), "the server issued it"
    assert_equal 1, requests
    stats = client.stats
    assert_equal THREADS, stats[:waits] + stats[:cache_hits]
    assert_operator stats[:waits], :>=, THREADS / 2, "the callers waited on the one request together"
  end

  def test_herd_on_expired_token_makes_one_more_request
    @server.latency_ms = 200
    @server.token_lifetime_ms = 2000 # expires_in 2; the skew is capped at half: served for 1 s
    client = new_client(refresh_ahead: 1.0, refresh_jitter: 0.0) # no renewal ahead of expiry
    first = herd(THREADS) { client.token }
    assert_equal [], first.grep(Exception)
    assert_equal 1, first.map(&:access_token).uniq.size
    assert_equal 1, requests

    sleep 0.05 until client.cached_token.nil? # expired (2 s lifetime minus 1 s skew)
    assert_equal 1, requests, "waiting for expiry sends nothing"

    second = herd(THREADS) { client.token }
    assert_equal [], second.grep(Exception)
    assert_equal 1, second.map(&:access_token).uniq.size
    refute_equal first.first.access_token, second.first.access_token
    assert_equal 2, requests, "one more request for the whole herd"
    stats = client.stats
    assert_equal 2, stats[:token_requests]
    assert_equal 2, stats[:fetches]
    assert_equal 0, stats[:background_refreshes]
  end

  def test_clients_with_the_same_settings_share_one_token
    a = new_client
    b = new_client
    assert_equal a.token, b.token
    assert_equal 1, requests
  end
end
