# frozen_string_literal: true

require "ffi"

module Ooauthcc
  # The raw C ABI of libooauthcc (include/ooauthcc.h), attached with the ffi
  # gem. Internal: use Ooauthcc::Client. Every status is a uint32, every
  # handle an opaque pointer; the C API rules (who frees what) are in the
  # README section "C API rules".
  #
  # Where the library is loaded from: $OOAUTHCC_LIB_DIR when set, otherwise
  # the system's libooauthcc (ld.so's search path, e.g. after
  # scripts/install-c.sh), otherwise the repository's target/release.
  module Native
    extend FFI::Library

    # The ABI this wrapper was written against: libooauthcc 0.2.x (while the
    # major version is 0, each minor release may change the ABI).
    ABI = "0.2"

    # Candidate files for the library +base+ ("ooauthcc", "ooauthcc_testing"),
    # in the order they are tried.
    def self.candidates(base)
      dir = ENV["OOAUTHCC_LIB_DIR"]
      return [File.join(File.expand_path(dir), "lib#{base}.so")] if dir && !dir.empty?

      repo_build = File.expand_path("../../../../target/release/lib#{base}.so", __dir__)
      ["lib#{base}.so.#{ABI}", "lib#{base}.so"] + (File.exist?(repo_build) ? [repo_build] : [])
    end

    ffi_lib candidates("ooauthcc")

    # Version and status names (static strings).
    attach_function :version, :ooauthcc_version, [], :string
    attach_function :status_name, :ooauthcc_status_name, [:uint32], :string
    attach_function :stat_name, :ooauthcc_stat_name, [:uint32], :string

    # Error objects (freed with error_free; strings borrowed from them).
    attach_function :error_status, :ooauthcc_error_status, [:pointer], :uint32
    attach_function :error_message, :ooauthcc_error_message, [:pointer], :string
    attach_function :error_http_status, :ooauthcc_error_http_status, [:pointer], :uint16
    attach_function :error_oauth_error, :ooauthcc_error_oauth_error, [:pointer], :string
    attach_function :error_oauth_error_description, :ooauthcc_error_oauth_error_description, [:pointer], :string
    attach_function :error_oauth_error_uri, :ooauthcc_error_oauth_error_uri, [:pointer], :string
    attach_function :error_is_retryable, :ooauthcc_error_is_retryable, [:pointer], :bool
    attach_function :error_retry_after_ms, :ooauthcc_error_retry_after_ms, [:pointer], :uint64
    attach_function :error_free, :ooauthcc_error_free, [:pointer], :void

    # Config: only the document parsers; every setting goes through them.
    attach_function :config_from_json, :ooauthcc_config_from_json, %i[string pointer pointer], :uint32
    attach_function :config_from_toml, :ooauthcc_config_from_toml, %i[string pointer pointer], :uint32
    attach_function :config_free, :ooauthcc_config_free, [:pointer], :void

    # Client. The calls that may wait release the GVL (blocking: true), so
    # other Ruby threads run while a token request is in flight.
    attach_function :client_new, :ooauthcc_client_new, %i[pointer pointer pointer], :uint32
    attach_function :client_free, :ooauthcc_client_free, [:pointer], :void
    attach_function :client_get_token, :ooauthcc_client_get_token, %i[pointer uint64 pointer pointer], :uint32,
                    blocking: true
    attach_function :client_get_header, :ooauthcc_client_get_header, %i[pointer uint64 pointer pointer], :uint32,
                    blocking: true
    attach_function :client_cached_token, :ooauthcc_client_cached_token, %i[pointer pointer pointer], :uint32
    attach_function :client_invalidate, :ooauthcc_client_invalidate, %i[pointer string pointer pointer], :uint32
    attach_function :client_header_name, :ooauthcc_client_header_name, [:pointer], :string
    attach_function :client_query_param, :ooauthcc_client_query_param, [:pointer], :string
    attach_function :client_check_destination, :ooauthcc_client_check_destination, %i[pointer string pointer],
                    :uint32
    attach_function :client_stat, :ooauthcc_client_stat, %i[pointer uint32 pointer pointer], :uint32

    # Token (immutable, refcounted; strings borrowed from it).
    attach_function :token_access_token, :ooauthcc_token_access_token, [:pointer], :string
    attach_function :token_token_type, :ooauthcc_token_token_type, [:pointer], :string
    attach_function :token_expires_at_unix_ms, :ooauthcc_token_expires_at_unix_ms, [:pointer], :int64
    attach_function :token_lifetime_ms, :ooauthcc_token_lifetime_ms, [:pointer], :uint64
    attach_function :token_scope, :ooauthcc_token_scope, [:pointer], :string
    attach_function :token_extra_json, :ooauthcc_token_extra_json, [:pointer], :string
    attach_function :token_free, :ooauthcc_token_free, [:pointer], :void
    # The same, given the address as an integer (saves a Pointer object on
    # the hot path; uintptr_t and a pointer are passed alike).
    attach_function :token_free_address, :ooauthcc_token_free, [:uintptr_t], :void

    # Header (a token formatted as the header to send).
    attach_function :header_value, :ooauthcc_header_value, [:pointer], :string
    attach_function :header_free, :ooauthcc_header_free, [:pointer], :void

    # `timeout_ms` values of client_get_token / client_get_header.
    TIMEOUT_CONFIGURED = 0
    TIMEOUT_FOREVER = (2**64) - 1

    # A string returned by the library (UTF-8 by the C API rules), or nil.
    def self.utf8(str)
      str&.force_encoding(Encoding::UTF_8)
    end

    # Raises the Ooauthcc::Error for +status+ unless it is 0 (OK), reading
    # and freeing the error object written to +errp+ (a pointer to a pointer,
    # which is reset to NULL for its next use).
    def self.check!(status, errp)
      return if status.zero?

      error = errp.read_pointer
      errp.clear
      raise Error.from_native(status, error)
    end
  end
end
