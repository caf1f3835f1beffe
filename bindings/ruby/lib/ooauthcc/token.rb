# frozen_string_literal: true

require "json"

module Ooauthcc
  # An access token and what the server said about it. Immutable (frozen).
  #
  # Its printable forms (#to_s, #inspect, +pp+) never show the token: only
  # its type, length and expiry. Read #access_token to send it.
  class Token
    # The access token. Never log it.
    attr_reader :access_token
    # The token type: "Bearer" when the server said bearer in any case, or
    # nothing; other types as sent.
    attr_reader :token_type
    # When the token expires on the wall clock (a Time).
    attr_reader :expires_at
    # The lifetime the server granted (or the one assumed when it said
    # none), in seconds (a Float).
    attr_reader :lifetime
    # The scope the server granted; nil when it sent none.
    attr_reader :scope
    # The other fields of the token response (id_token, vendor fields, …) as
    # a JSON object text; "{}" when there are none. See #extra.
    attr_reader :extra_json

    # Builds a token (the client builds them from the library's tokens).
    def initialize(access_token:, token_type: "Bearer", expires_at:, lifetime: nil, scope: nil, extra_json: "{}")
      @access_token = access_token.dup.freeze
      @token_type = token_type.dup.freeze
      @expires_at = expires_at
      @lifetime = lifetime
      @scope = scope&.dup&.freeze
      @extra_json = extra_json.dup.freeze
      freeze
    end

    # Copies a native ooauthcc_token (which stays the caller's to free).
    def self.from_native(ptr)
      expires_ms = Native.token_expires_at_unix_ms(ptr)
      new(
        access_token: Native.utf8(Native.token_access_token(ptr)),
        token_type: Native.utf8(Native.token_token_type(ptr)),
        expires_at: Time.at(expires_ms.div(1000), expires_ms.modulo(1000), :millisecond),
        lifetime: Native.token_lifetime_ms(ptr) / 1000.0,
        scope: Native.utf8(Native.token_scope(ptr)),
        extra_json: Native.utf8(Native.token_extra_json(ptr))
      )
    end

    # Seconds until #expires_at (negative once past it), by the wall clock.
    def expires_in
      @expires_at - Time.now
    end

    # The other fields of the token response, parsed (a new Hash each call).
    def extra
      JSON.parse(@extra_json)
    end

    # Two tokens are equal when their access tokens are.
    def ==(other)
      other.is_a?(Token) && other.access_token == @access_token
    end
    alias eql? ==

    def hash
      [Token, @access_token].hash
    end

    # A redacted description: "#<Ooauthcc::Token Bearer [REDACTED 35 bytes]
    # expires_at=2025-01-01 12:00:00 UTC>". Never the token.
    def inspect
      "#<#{self.class.name} #{@token_type} [REDACTED #{@access_token.bytesize} bytes] " \
        "expires_at=#{@expires_at.getutc}>"
    end
    alias to_s inspect

    # +pp+ prints the redacted #inspect, not the instance variables.
    def pretty_print(printer)
      printer.text(inspect)
    end
  end
end
