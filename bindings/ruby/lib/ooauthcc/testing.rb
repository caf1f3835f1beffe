# frozen_string_literal: true

require_relative "../ooauthcc"

module Ooauthcc
  # The bundled OAuth 2.0 authorization server of libooauthcc_testing, FOR
  # TESTS of programs that use ooauthcc: a real token endpoint on 127.0.0.1
  # (its own thread; no network, no account) that counts requests per
  # client and can be made slow, short-lived or faulty.
  #
  #   require "ooauthcc/testing"
  #   server = Ooauthcc::Testing::Server.start
  #   server.register_client("svc", "s3cr3t")
  #   client = Ooauthcc::Client.new(token_url: server.token_url, client_id: "svc", client_secret: "s3cr3t")
  #   client.token
  #   server.request_count("svc") # => 1
  #   server.close
  #
  # Loaded only by +require "ooauthcc/testing"+, never by +require "ooauthcc"+.
  module Testing
    # The raw C ABI of libooauthcc_testing (include/ooauthcc_testing.h). Its
    # errors are ooauthcc_error objects, freed by libooauthcc's
    # ooauthcc_error_free (both libraries must come from the same build).
    module Native
      extend FFI::Library
      ffi_lib Ooauthcc::Native.candidates("ooauthcc_testing")

      attach_function :server_start, :ooauthcc_test_server_start, %i[pointer pointer], :uint32
      attach_function :server_free, :ooauthcc_test_server_free, [:pointer], :void
      attach_function :server_token_url, :ooauthcc_test_server_token_url, [:pointer], :string
      attach_function :server_register_client, :ooauthcc_test_server_register_client,
                      %i[pointer string string pointer], :uint32
      attach_function :server_set_token_lifetime_ms, :ooauthcc_test_server_set_token_lifetime_ms,
                      %i[pointer uint64 pointer], :uint32
      attach_function :server_set_latency_ms, :ooauthcc_test_server_set_latency_ms,
                      %i[pointer uint64 pointer], :uint32
      attach_function :server_request_count, :ooauthcc_test_server_request_count,
                      %i[pointer string pointer pointer], :uint32
      attach_function :server_total_requests, :ooauthcc_test_server_total_requests, %i[pointer pointer pointer],
                      :uint32
      attach_function :server_reset_counts, :ooauthcc_test_server_reset_counts, %i[pointer pointer], :uint32
      attach_function :server_is_valid_token, :ooauthcc_test_server_is_valid_token,
                      %i[pointer string pointer pointer], :uint32
      attach_function :server_set_fault, :ooauthcc_test_server_set_fault, %i[pointer uint32 uint32 pointer],
                      :uint32
      attach_function :server_set_fault_status, :ooauthcc_test_server_set_fault_status,
                      %i[pointer uint32 string uint32 pointer], :uint32
      attach_function :server_set_fault_oauth_error, :ooauthcc_test_server_set_fault_oauth_error,
                      %i[pointer uint32 string string string uint32 pointer], :uint32
    end

    # ooauthcc_test_fault values, for Server#set_fault.
    FAULTS = {
      none: 0, server_error: 1, too_many_requests: 2, non_json: 3, empty_body: 4, error_in_200: 5,
      close_mid_body: 6, oversized: 7, invalid_utf8: 8, deeply_nested: 9
    }.freeze

    # A running test server; stop it with #close.
    class Server
      # Starts a server on 127.0.0.1 on a free port. With a block, yields it
      # and closes it afterwards.
      def self.start
        server = new
        return server unless block_given?

        begin
          yield server
        ensure
          server.close
        end
      end

      def initialize
        out = FFI::MemoryPointer.new(:pointer)
        call(:server_start, out, raw: true)
        @handle = FFI::AutoPointer.new(out.read_pointer, Native.method(:server_free))
      end

      # The token endpoint, "http://127.0.0.1:PORT/token".
      def token_url
        Ooauthcc::Native.utf8(Native.server_token_url(handle))
      end

      # Registers a client that may authenticate with client_secret_basic or
      # client_secret_post and ask for any scope.
      def register_client(client_id, client_secret)
        call(:server_register_client, client_id, client_secret)
        self
      end

      # The lifetime of tokens issued from now on, in milliseconds (default
      # one hour; expires_in is its whole seconds).
      def token_lifetime_ms=(ms)
        call(:server_set_token_lifetime_ms, ms)
      end

      # A delay before every token response, in milliseconds.
      def latency_ms=(ms)
        call(:server_set_latency_ms, ms)
      end

      # Token requests that named +client_id+, whatever their outcome.
      def request_count(client_id)
        out = FFI::MemoryPointer.new(:uint64)
        call(:server_request_count, client_id, out)
        out.get_uint64(0)
      end

      # Requests that reached the token endpoint, in all.
      def total_requests
        out = FFI::MemoryPointer.new(:uint64)
        call(:server_total_requests, out)
        out.get_uint64(0)
      end

      # Zeroes the request counters.
      def reset_counts
        call(:server_reset_counts)
      end

      # Whether this server issued +access_token+ (a String or Token) and it
      # has not expired: the test plays the resource server.
      def valid_token?(access_token)
        access_token = access_token.access_token if access_token.is_a?(Ooauthcc::Token)
        out = FFI::MemoryPointer.new(:uint8)
        call(:server_is_valid_token, access_token, out)
        out.get_uint8(0) != 0
      end

      # Makes the next +times+ token requests (every one until cleared when 0)
      # fail with +fault+, a key of FAULTS (:server_error, :non_json, …).
      def set_fault(fault, times: 0)
        call(:server_set_fault, FAULTS.fetch(fault), times)
      end

      # Answers token requests with HTTP +status+ (and Retry-After for 429
      # and 503 when +retry_after+ is given).
      def set_fault_status(status, retry_after: "", times: 0)
        call(:server_set_fault_status, status, retry_after.to_s, times)
      end

      # Answers token requests with an RFC 6749 error body.
      def set_fault_oauth_error(http_status, error, description: "", uri: "", times: 0)
        call(:server_set_fault_oauth_error, http_status, error, description, uri, times)
      end

      # Stops the server (requests in flight are cut off). Closing again
      # does nothing.
      def close
        @handle&.free
        @handle = nil
      end

      def inspect
        "#<#{self.class.name} #{@handle ? token_url : '(closed)'}>"
      end

      private

      def handle
        @handle or raise Ooauthcc::ClosedError, "the test server is closed"
      end

      def call(function, *args, raw: false)
        errp = FFI::MemoryPointer.new(:pointer)
        args.unshift(handle) unless raw
        Ooauthcc::Native.check!(Native.public_send(function, *args, errp), errp)
        nil
      end
    end
  end
end
