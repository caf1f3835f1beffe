# frozen_string_literal: true

module Ooauthcc
  # The version of this Ruby wrapper (it follows libooauthcc's).
  VERSION = "0.2.0"
end
