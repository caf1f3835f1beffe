# frozen_string_literal: true

require "json"

module Ooauthcc
  # Gets OAuth 2.0 client-credentials tokens for one configuration: from the
  # cache when it holds a fresh one, otherwise from ONE request to the token
  # endpoint shared by every caller waiting at that moment (any number of
  # Ruby threads); tokens are renewed in the background before they expire.
  #
  # Thread-safe: share one client between threads. The calls that may wait
  # (#token, #header_value) release the GVL, so other threads run meanwhile.
  # Every client built from the same settings in this process shares one
  # cache entry (one token, one request, one set of #stats).
  #
  #   client = Ooauthcc::Client.new(token_url: "https://idp.example/token",
  #                                 client_id: "svc", client_secret: ENV["SECRET"],
  #                                 scopes: ["orders.read"])
  #   request["Authorization"] = client.header_value
  #   client.close
  class Client
    class << self
      # Builds a client, yields it, and closes it when the block ends.
      # Without a block, the same as +new+.
      def open(*args, **settings)
        client = new(*args, **settings)
        return client unless block_given?

        begin
          yield client
        ensure
          client.close
        end
      end

      # Builds a client from a JSON document of settings (the names of the
      # README's settings table; durations in seconds).
      def from_json(json)
        allocate.tap { |client| client.send(:open_native, :config_from_json, json.to_str) }
      end

      # Builds a client from a TOML document of settings.
      def from_toml(toml)
        allocate.tap { |client| client.send(:open_native, :config_from_toml, toml.to_str) }
      end
    end

    # Builds a client. The keywords are the settings of the README's
    # settings table, with their names (+scopes: ["a", "b"]+,
    # +auth_method: :client_secret_post+, +get_timeout: 5+, …; durations in
    # seconds, fractions allowed); nil values are left out. They are sent to
    # the library as one JSON document, so every setting of the library is
    # available, and an unknown or invalid one raises ConfigError naming it.
    # A Hash may be passed instead of keywords. Sends nothing.
    def initialize(settings = nil, token_url: nil, client_id: nil, client_secret: nil, **more)
      doc = (settings || {}).to_h.transform_keys(&:to_s)
      { "token_url" => token_url, "client_id" => client_id, "client_secret" => client_secret }
        .merge(more.transform_keys(&:to_s)).each { |key, value| doc[key] = value unless value.nil? }
      open_native(:config_from_json, JSON.generate(doc))
    end

    # Gets a valid token (an Ooauthcc::Token), waiting for one when the cache
    # has none: at most +timeout+ seconds (nil: the +get_timeout+ setting,
    # default 30 s; Float::INFINITY: as long as the request takes). A fresh
    # cached token is returned at once. Raises an Ooauthcc::Error subclass
    # (OAuthError, TransportError, TimeoutError, …). The GVL is released
    # while the call waits.
    def token(timeout: nil)
      # The hot path: #enter, #leave and the cache-hit branch of #adopt_token
      # written out in place (a third less time than calling them).
      ms = timeout.nil? ? Native::TIMEOUT_CONFIGURED : timeout_ms(timeout)
      @lock.lock
      begin
        closed = @closed
        @inflight += 1 unless closed
      ensure
        @lock.unlock
      end
      raise ClosedError, CLOSED_MESSAGE if closed

      begin
        out, errp = Thread.current[:__ooauthcc_scratch] || scratch
        status = Native.client_get_token(@raw, ms, out, errp)
        Native.check!(status, errp) unless status.zero?
        address = ADDRESS_64 ? out.get_uint64(0) : out.get_uint32(0)
        out.clear # the reference is this method's to free or keep now
        last = @last
        if last && last[0] == address
          Native.token_free_address(address)
          last[1]
        else
          adopt_token(address)
        end
      ensure
        # Outputs left behind only when an exception interrupted the call (see #discard_outputs).
        if out && !(ADDRESS_64 ? out.get_uint64(0) | errp.get_uint64(0) : out.get_uint32(0) | errp.get_uint32(0)).zero?
          discard_outputs(out, errp, :token_free)
        end
        leave
      end
    end

    # The token the cache may serve now, or nil — never waits, sends nothing,
    # and starts no fetch or renewal (call #token for that).
    def cached_token
      with_handle do |handle|
        out, errp = scratch
        begin
          Native.check!(Native.client_cached_token(handle, out, errp), errp)
          address = ADDRESS_64 ? out.get_uint64(0) : out.get_uint32(0)
          out.clear
          address.zero? ? nil : adopt_token(address)
        ensure
          discard_outputs(out, errp, :token_free)
        end
      end
    end

    # The value of the header to send, e.g. "Bearer eyJ…" (with the
    # +token_prefix+ setting). Waits as #token does.
    def header_value(timeout: nil)
      ms = timeout.nil? ? Native::TIMEOUT_CONFIGURED : timeout_ms(timeout)
      with_handle do |handle|
        out, errp = scratch
        begin
          Native.check!(Native.client_get_header(handle, ms, out, errp), errp)
          header = out.read_pointer
          out.clear
          begin
            Native.utf8(Native.header_value(header))
          ensure
            Native.header_free(header)
          end
        ensure
          discard_outputs(out, errp, :header_free)
        end
      end
    end

    # The name of the header that carries the token (+header_name+ setting,
    # default "Authorization").
    def header_name
      with_handle { |handle| Native.utf8(Native.client_header_name(handle)) }
    end

    # The query parameter the token is to be sent in when the +query_param+
    # setting is set; nil otherwise (send the header).
    def query_param
      with_handle { |handle| Native.utf8(Native.client_query_param(handle)) }
    end

    # After a resource server rejected +token+ (an Ooauthcc::Token or the
    # access token String) with 401: drops it from the cache if it is still
    # the cached one, so that the next #token fetches a new one. Returns
    # whether this call dropped it (many callers reporting the same token
    # cause one new request).
    def invalidate(token)
      access_token = token.is_a?(Token) ? token.access_token : token.to_str
      with_handle do |handle|
        dropped = FFI::MemoryPointer.new(:uint8)
        _, errp = scratch
        Native.check!(Native.client_invalidate(handle, access_token, dropped, errp), errp)
        dropped.get_uint8(0) != 0
      end
    end

    # Checks that a token of this client may be sent to +url+ (the
    # +allowed_hosts+ setting, and https except to loopback hosts). Returns
    # true, or raises UsageError (not allowed) or InvalidArgumentError.
    def check_destination(url)
      with_handle do |handle|
        _, errp = scratch
        Native.check!(Native.client_check_destination(handle, url.to_str, errp), errp)
        true
      end
    end

    # The counters of the cache entry this client shares, by name:
    # { token_requests: 1, cache_hits: 41, waits: 1, background_refreshes: 0,
    #   failures: 0, fetches: 1, … } — every counter the loaded library has.
    def stats
      with_handle do |handle|
        STAT_NAMES.each_with_index.to_h { |name, index| [name, read_stat(handle, index)] }
      end
    end

    # One counter of #stats, by name (e.g. :token_requests).
    def stat(name)
      index = STAT_NAMES.index(name.to_sym) or raise ArgumentError, "unknown counter #{name.inspect}"
      with_handle { |handle| read_stat(handle, index) }
    end

    # Releases the native client (and the token reference it keeps). Calls
    # made afterwards raise ClosedError; closing again does nothing. A call
    # still waiting in another thread finishes first. Without #close, the
    # garbage collector releases it.
    def close
      @lock.synchronize do
        next if @closed

        @closed = true
        release_native if @inflight.zero?
      end
      nil
    end

    # Whether #close was called.
    def closed?
      @closed
    end

    def inspect
      "#<#{self.class.name}#{@client_id ? " client_id=#{@client_id.inspect}" : ''}#{@closed ? ' (closed)' : ''}>"
    end
    alias to_s inspect

    private

    CLOSED_MESSAGE = "the ooauthcc client is closed"
    ADDRESS_64 = FFI::Pointer.size == 8 # how to read a pointer as an integer
    private_constant :CLOSED_MESSAGE, :ADDRESS_64

    # Each counter's name, by number (ooauthcc_stat_name until NULL).
    STAT_NAMES = (0..).lazy.map { |i| Native.stat_name(i) }.take_while(&:itself).map(&:to_sym).to_a.freeze

    def open_native(parser, text)
      out = FFI::MemoryPointer.new(:pointer)
      errp = FFI::MemoryPointer.new(:pointer)
      Native.check!(Native.public_send(parser, text, out, errp), errp)
      config = out.read_pointer
      begin
        Native.check!(Native.client_new(config, out, errp), errp)
      ensure
        Native.config_free(config)
      end
      @handle = FFI::AutoPointer.new(out.read_pointer, Native.method(:client_free)) # frees it (close, or GC)
      @raw = FFI::Pointer.new(@handle.address) # what the calls pass (a plain Pointer is quicker to pass)
      @lock = Mutex.new
      @inflight = 0
      @closed = false
      @last = nil # [address, Ooauthcc::Token, FFI::AutoPointer]: the last token seen, and one reference to it
      @client_id = client_id_of(parser, text)
    end

    def client_id_of(parser, text)
      return nil unless parser == :config_from_json

      JSON.parse(text)["client_id"]&.to_s
    rescue JSON::ParserError, NoMethodError
      nil
    end

    # Marks a call in progress (so that #close waits for it) and raises
    # ClosedError after #close. Mutex#lock/unlock rather than #synchronize:
    # half the cost on the hot path.
    def enter
      @lock.lock
      begin
        closed = @closed
        @inflight += 1 unless closed
      ensure
        @lock.unlock
      end
      raise ClosedError, CLOSED_MESSAGE if closed
    end

    def leave
      @lock.lock
      begin
        @inflight -= 1
        release_native if @closed && @inflight.zero?
      ensure
        @lock.unlock
      end
    end

    def with_handle
      enter
      begin
        yield @raw
      ensure
        leave
      end
    end

    # Called with @lock held, once closed and no call is in progress.
    def release_native
      @handle&.free
      @handle = @raw = nil
      @last&.last&.free
      @last = nil
    end

    # Two pointer-sized out-parameters (result, error) for this thread (and
    # fiber), kept between calls. Both are NULL between calls: whoever takes
    # what a call wrote there clears the slot (check! clears the error).
    def scratch
      Thread.current[:__ooauthcc_scratch] ||= [FFI::MemoryPointer.new(:pointer), FFI::MemoryPointer.new(:pointer)]
    end

    # Frees what a native call left in the scratch slots when an exception
    # raised into this thread (Thread#raise, Timeout.timeout) was delivered
    # as the call returned, after it had written its outputs. Cheap when the
    # slots are empty, as they are on every other path.
    def discard_outputs(out, errp, free_function)
      unless (ADDRESS_64 ? out.get_uint64(0) : out.get_uint32(0)).zero?
        leftover = out.read_pointer
        out.clear
        Native.public_send(free_function, leftover)
      end
      return if (ADDRESS_64 ? errp.get_uint64(0) : errp.get_uint32(0)).zero?

      leftover = errp.read_pointer
      errp.clear
      Native.error_free(leftover)
    end

    # The Ruby token for the token reference at +address+, which the caller
    # owns and gives up here. The library hands out the same object for as
    # long as a token is cached, so the client keeps one reference to the
    # last token and its Ruby copy: a call that gets that token again (the
    # same address while the kept reference is alive, hence the same token)
    # frees the new reference and returns the copy made before.
    def adopt_token(address)
      last = @last
      if last && last[0] == address
        Native.token_free_address(address)
        return last[1]
      end
      kept = FFI::AutoPointer.new(FFI::Pointer.new(address), Native.method(:token_free))
      token = Token.from_native(kept)
      old = nil
      @lock.synchronize do
        old = @last
        @last = [address, token, kept].freeze
      end
      old&.last&.free
      token
    end

    def read_stat(handle, index)
      value = FFI::MemoryPointer.new(:uint64)
      _, errp = scratch
      Native.check!(Native.client_stat(handle, index, value, errp), errp)
      value.get_uint64(0)
    end

    def timeout_ms(timeout)
      return Native::TIMEOUT_CONFIGURED if timeout.nil?
      return Native::TIMEOUT_FOREVER if timeout == Float::INFINITY
      raise ArgumentError, "timeout must be positive seconds, nil or Float::INFINITY" unless timeout.positive?

      [(timeout * 1000).ceil, 1].max
    end
  end
end
