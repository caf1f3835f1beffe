# frozen_string_literal: true

module Ooauthcc
  # The base class of every error the library raises. One subclass per
  # ooauthcc_status code (Ooauthcc::OAuthError for 13, …), so
  # +rescue Ooauthcc::Error+ catches them all.
  #
  # No message, and no attribute, ever holds a secret or a token.
  class Error < StandardError
    # The C status code of this kind of error (nil on the base class).
    STATUS = nil

    # The ooauthcc_status code, e.g. 13 for an OAuth error (the same number as
    # in C, Rust and Python).
    attr_reader :status
    # The status's short name, e.g. "oauth", "transport", "config".
    attr_reader :kind
    # The HTTP status the token endpoint answered with; nil when there was no
    # HTTP answer.
    attr_reader :http_status
    # The OAuth +error+ code the server sent (RFC 6749 §5.2), e.g.
    # "invalid_client"; nil when none.
    attr_reader :oauth_error
    # The OAuth +error_description+ the server sent; nil when none.
    attr_reader :oauth_error_description
    # The OAuth +error_uri+ the server sent; nil when none.
    attr_reader :oauth_error_uri
    # How long the server asked to wait before retrying (Retry-After), in
    # seconds (a Float); nil when it did not say.
    attr_reader :retry_after

    # Builds an error. The library builds them; you may too, in tests.
    def initialize(message = nil, status: self.class::STATUS, kind: nil, http_status: nil, oauth_error: nil,
                   oauth_error_description: nil, oauth_error_uri: nil, retryable: false, retry_after: nil)
      super(message)
      @status = status
      @kind = kind || (status && Native.utf8(Native.status_name(status)))
      @http_status = http_status
      @oauth_error = oauth_error
      @oauth_error_description = oauth_error_description
      @oauth_error_uri = oauth_error_uri
      @retryable = retryable
      @retry_after = retry_after
    end

    # Whether trying again later may succeed (outages: transport errors,
    # timeouts, 5xx, 429); false for rejected credentials and bad settings.
    def retryable?
      @retryable
    end

    # The class for an ooauthcc_status code (Error itself for a code this
    # wrapper does not know, e.g. one added by a later library).
    def self.class_for(status)
      STATUS_CLASSES.fetch(status, Error)
    end

    # Reads an ooauthcc_error object into a new Error of the right class and
    # frees the object. +ptr+ may be NULL (then only +status+ is known).
    def self.from_native(status, ptr)
      if ptr.nil? || ptr.null?
        return class_for(status).new("ooauthcc call failed with status #{status}", status: status)
      end

      begin
        http = Native.error_http_status(ptr)
        retry_ms = Native.error_retry_after_ms(ptr)
        class_for(status).new(
          Native.utf8(Native.error_message(ptr)),
          status: status,
          http_status: http.zero? ? nil : http,
          oauth_error: Native.utf8(Native.error_oauth_error(ptr)),
          oauth_error_description: Native.utf8(Native.error_oauth_error_description(ptr)),
          oauth_error_uri: Native.utf8(Native.error_oauth_error_uri(ptr)),
          retryable: Native.error_is_retryable(ptr),
          retry_after: retry_ms.zero? ? nil : retry_ms / 1000.0
        )
      ensure
        Native.error_free(ptr)
      end
    end
  end

  # A required argument was missing (NULL in C). Status 1.
  class NullArgumentError < Error; STATUS = 1; end
  # An argument was invalid: not UTF-8, an unknown value, a URL that does not
  # parse. Status 2.
  class InvalidArgumentError < Error; STATUS = 2; end
  # A setting is invalid, or unknown (the message names it); also a
  # credential read at request time (file, environment variable) that is
  # missing. Status 3.
  class ConfigError < Error; STATUS = 3; end
  # The token endpoint could not be reached (DNS, connect, TLS, reset).
  # Status 10.
  class TransportError < Error; STATUS = 10; end
  # No token within the timeout. Status 11.
  class TimeoutError < Error; STATUS = 11; end
  # The token endpoint answered with an HTTP status that is not an OAuth
  # error (5xx, 429, a redirect, …); see #http_status. Status 12.
  class HttpStatusError < Error; STATUS = 12; end
  # The token endpoint answered with an RFC 6749 §5.2 error; see #oauth_error
  # (e.g. "invalid_client") and #http_status (e.g. 401). Status 13.
  class OAuthError < Error; STATUS = 13; end
  # The token endpoint's answer is not a usable token response. Status 14.
  class MalformedResponseError < Error; STATUS = 14; end
  # A shared-store error (never raised by libooauthcc: a failing store is
  # skipped); kept so that every status has its class. Status 15.
  class StoreError < Error; STATUS = 15; end
  # The API was used in a way it does not support (a token for a host that
  # is not allowed, a client used after #close, …). Status 21.
  class UsageError < Error; STATUS = 21; end
  # A client used after Client#close. A UsageError (status 21).
  class ClosedError < UsageError; end
  # A bug in ooauthcc (a caught panic); please report it. Status 99.
  class InternalError < Error; STATUS = 99; end

  # ooauthcc_status code => error class.
  STATUS_CLASSES = [
    NullArgumentError, InvalidArgumentError, ConfigError, TransportError, TimeoutError, HttpStatusError,
    OAuthError, MalformedResponseError, StoreError, UsageError, InternalError
  ].to_h { |klass| [klass::STATUS, klass] }.freeze
end
