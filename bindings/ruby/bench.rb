# frozen_string_literal: true

# The cached-token call through the Ruby wrapper beside Ruby's own FFI floor:
# ooauthcc_version() through the same ffi mechanism, returned as a Ruby String.
#   ruby -I lib bench.rb [iterations]
require "ooauthcc"
require "ooauthcc/testing"

ITERATIONS = Integer(ARGV[0] || 500_000)
ROUNDS = 5

# The floor wrapped the same way as the blocking calls: attached with
# blocking: true (the GVL is released and taken back around the C call).
module BlockingFloor
  extend FFI::Library
  ffi_lib Ooauthcc::Native.candidates("ooauthcc")
  attach_function :version, :ooauthcc_version, [], :string, blocking: true
end

# [wall-clock ns per call, this thread's CPU ns per call], each the best of
# ROUNDS rounds (CPU time is not inflated by other processes taking the CPU).
def ns_per_call(&call)
  (ITERATIONS / 10).times(&call) # warm-up
  wall = cpu = Float::INFINITY
  ROUNDS.times do
    wall0 = Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
    cpu0 = Process.clock_gettime(Process::CLOCK_THREAD_CPUTIME_ID, :nanosecond)
    i = 0
    while i < ITERATIONS
      yield
      i += 1
    end
    cpu = [cpu, (Process.clock_gettime(Process::CLOCK_THREAD_CPUTIME_ID, :nanosecond) - cpu0).fdiv(ITERATIONS)].min
    wall = [wall, (Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond) - wall0).fdiv(ITERATIONS)].min
  end
  [wall, cpu]
end

Ooauthcc::Testing::Server.start do |server|
  server.register_client("bench", "bench-secret")
  Ooauthcc::Client.open(token_url: server.token_url, client_id: "bench", client_secret: "bench-secret") do |client|
    client.token # the first fetch; every call below is a cache hit
    raise "not a string" unless Ooauthcc.library_version.is_a?(String)

    rows = {
      "floor: Ooauthcc.library_version (ooauthcc_version -> String)" => ns_per_call { Ooauthcc.library_version },
      "the same without the wrapper method: Ooauthcc::Native.version" => ns_per_call { Ooauthcc::Native.version },
      "empty loop (the loop's own cost)" => ns_per_call {},
      "ooauthcc_version attached blocking: true (floor + GVL release)" => ns_per_call { BlockingFloor.version },
      "client.token (cached)" => ns_per_call { client.token },
      "client.header_value (cached)" => ns_per_call { client.header_value },
      "client.cached_token" => ns_per_call { client.cached_token }
    }
    floor_wall, floor_cpu = rows.values.first
    puts "ruby #{RUBY_VERSION}, ffi #{FFI::VERSION}, libooauthcc #{Ooauthcc.library_version}; " \
         "#{ITERATIONS} calls x #{ROUNDS} rounds, best round; loop overhead included"
    puts format("%-66s %17s %17s", "", "wall ns/call", "CPU ns/call")
    rows.each do |name, (wall, cpu)|
      puts format("%-66s %8.1f (%5.2fx) %8.1f (%5.2fx)", name, wall, wall / floor_wall, cpu, cpu / floor_cpu)
    end
    stats = client.stats
    puts "token requests: #{stats[:token_requests]}, cache hits: #{stats[:cache_hits]}"
  end
end
