# frozen_string_literal: true

require "test_helper"

# The waiting calls release the GVL: other Ruby threads keep running while a
# slow token request is in flight.
class TestGvl < OoauthccTest
  LATENCY = 1.0

  def now
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  # Another thread ticks every ~10 ms while the main thread waits in
  # +client.token+ for a server that answers after LATENCY seconds.
  def ticks_during(&call)
    ticks = []
    stop = false
    ticker = Thread.new do
      until stop
        ticks << now
        sleep 0.01
      end
    end
    sleep 0.05 # the ticker runs
    started = now
    result = call.call
    finished = now
    stop = true
    ticker.join
    [result, ticks.select { |t| t.between?(started, finished) }, finished - started]
  end

  def test_other_threads_run_while_token_waits
    @server.latency_ms = (LATENCY * 1000).to_i
    client = new_client
    token, ticks, elapsed = ticks_during { client.token }
    assert @server.valid_token?(token)
    assert_operator elapsed, :>=, LATENCY * 0.9, "the request was slow"
    # With the GVL held for the whole call, no tick would fall inside it.
    assert_operator ticks.size, :>=, (LATENCY / 0.01 / 4).to_i, "ticks while waiting: #{ticks.size}"
  end

  def test_other_threads_run_while_header_value_waits
    @server.latency_ms = (LATENCY * 1000).to_i
    client = new_client
    value, ticks, = ticks_during { client.header_value }
    assert_match(/\ABearer at_/, value)
    assert_operator ticks.size, :>=, (LATENCY / 0.01 / 4).to_i, "ticks while waiting: #{ticks.size}"
  end
end

# Ruby's own interrupts (Thread#raise, Timeout.timeout) reach a thread waiting
# in the library when the call returns; the client stays usable.
class TestInterrupts < OoauthccTest
  # White box: the call's outputs (a token reference, an error object) were
  # taken out of the thread's scratch slots and freed, not left there.
  def assert_outputs_taken(thread)
    slots = thread[:__ooauthcc_scratch]
    refute_nil slots
    assert_equal [true, true], slots.map { |slot| slot.read_pointer.null? }
  end

  def test_timeout_block_around_a_waiting_call
    require "timeout"
    @server.latency_ms = 600
    client = new_client
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    assert_raises(Timeout::Error) { Timeout.timeout(0.1) { client.token } }
    waited = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
    assert_operator waited, :>=, 0.5, "delivered when the native call returned"
    assert_outputs_taken Thread.current
    token = client.token # the fetch it was waiting on is cached: no new request
    assert @server.valid_token?(token)
    assert_equal 1, requests
    assert_same token, client.token
  end

  def test_thread_raise_into_a_failing_call
    @server.latency_ms = 300
    client = Ooauthcc::Client.new(token_url: @server.token_url, client_id: @client_id, client_secret: "wrong",
                                  auth_method: "client_secret_basic") # one request: see test_errors.rb
    @clients << client
    waiting = Thread.new { client.token }
    waiting.report_on_exception = false
    sleep 0.1
    waiting.raise(Interrupt)
    assert_raises(Interrupt) { waiting.join }
    assert_outputs_taken waiting
    assert_raises(Ooauthcc::OAuthError) { client.token }
    assert_equal 1, requests
  end
end
