# frozen_string_literal: true

require "test_helper"

# Many threads on one client: tokens renewed under their feet, and #close
# while calls are running.
class TestThreads < OoauthccTest
  def test_threads_invalidating_and_getting_tokens
    client = new_client
    seen = Queue.new
    results = herd(8) do
      200.times do |i|
        token = client.token
        seen << token
        client.invalidate(token) if (i % 50).zero? # as after a 401 from an API
      end
      :ok
    end
    assert_equal [:ok] * 8, results
    tokens = Array.new(seen.size) { seen.pop }
    assert_equal 1600, tokens.size
    distinct = tokens.uniq
    assert_operator distinct.size, :>=, 2, "invalidation made new tokens"
    assert_operator requests, :<=, 8 * 4 + 1, "at most one request per invalidation"
    assert_equal distinct.size, requests, "each request's token was handed out"
    distinct.each { |token| assert_match(/\Aat_/, token.access_token) }
  end

  def test_close_while_threads_are_calling
    @server.latency_ms = 20
    client = new_client
    client.token
    outcomes = Queue.new
    threads = Array.new(16) do
      Thread.new do
        loop do
          client.token
          client.stats
          client.invalidate("not-the-token")
        end
      rescue Ooauthcc::ClosedError => e
        outcomes << e
      end
    end
    sleep 0.2
    client.close
    threads.each(&:join)
    assert_equal 16, outcomes.size
    assert(Array.new(16) { outcomes.pop }.all?(Ooauthcc::ClosedError))
  end
end
