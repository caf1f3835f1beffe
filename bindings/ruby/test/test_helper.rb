# frozen_string_literal: true

require "minitest/autorun"
require "ooauthcc"
require "ooauthcc/testing"

# Each test gets its own bundled server (a real token endpoint on 127.0.0.1)
# with one client registered under a name of its own.
class OoauthccTest < Minitest::Test
  SECRET = "s3cr3t-#{rand(1 << 60).to_s(16)}".freeze

  def setup
    @server = Ooauthcc::Testing::Server.new
    @client_id = "rb-#{name.gsub(/\W/, '-')}-#{rand(1 << 30)}"
    @server.register_client(@client_id, SECRET)
    @clients = []
  end

  def teardown
    @clients.each(&:close)
    @server.close
  end

  # A client of the test server (closed in teardown); +settings+ override.
  def new_client(**settings)
    client = Ooauthcc::Client.new(token_url: @server.token_url, client_id: @client_id, client_secret: SECRET,
                                  get_timeout: 10, **settings)
    @clients << client
    client
  end

  def requests
    @server.request_count(@client_id)
  end

  # Runs the block in +count+ threads released at the same moment; returns
  # their results (or the exceptions they raised), in order.
  def herd(count)
    gate = Queue.new
    threads = Array.new(count) do
      Thread.new do
        gate.pop
        begin
          yield
        rescue StandardError => e
          e
        end
      end
    end
    count.times { gate << :go }
    threads.map(&:value)
  end
end
