# frozen_string_literal: true

require_relative "ooauthcc/gem_version"
require_relative "ooauthcc/native"
require_relative "ooauthcc/errors"
require_relative "ooauthcc/token"
require_relative "ooauthcc/client"

# OAuth 2.0 client-credentials tokens for Ruby — cached, renewed ahead of
# expiry, fetched once for all concurrent callers — on libooauthcc (the Rust
# core, through its C ABI and the ffi gem).
#
#   require "ooauthcc"
#   client = Ooauthcc::Client.new(token_url: "https://idp.example/token",
#                                 client_id: "svc", client_secret: ENV.fetch("SVC_SECRET"))
#   client.header_value # => "Bearer eyJ…"
#
# +require "ooauthcc"+ loads libooauthcc only; the bundled test server is in
# +require "ooauthcc/testing"+ (libooauthcc_testing).
module Ooauthcc
  # The version of the libooauthcc loaded, e.g. "0.2.0".
  def self.library_version
    Native.utf8(Native.version)
  end

  unless library_version.start_with?("#{Native::ABI}.")
    raise LoadError, "ooauthcc: this wrapper needs libooauthcc #{Native::ABI}.x, found #{library_version}"
  end
end
