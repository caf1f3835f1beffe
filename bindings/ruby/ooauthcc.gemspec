# frozen_string_literal: true

require_relative "lib/ooauthcc/gem_version"

Gem::Specification.new do |spec|
  spec.name = "ooauthcc"
  spec.version = Ooauthcc::VERSION
  spec.summary = "OAuth 2.0 client-credentials tokens: cached, renewed ahead of expiry, one request for all threads"
  spec.description = "A thin Ruby wrapper (ffi) over libooauthcc, the ooauthcc C ABI. Needs libooauthcc.so 0.2.x."
  spec.authors = ["ooauthcc authors"]
  spec.licenses = ["MIT", "Apache-2.0"]
  spec.files = Dir["lib/**/*.rb"] + ["README.md"]
  spec.require_paths = ["lib"]
  spec.required_ruby_version = ">= 3.0"
  spec.add_dependency "ffi", "~> 1.15"
end
