# frozen_string_literal: true

require "test_helper"

# Pre-forking servers (Puma, Unicorn, Resque): a child process keeps the
# parent's cached token and fetches on its own when it needs to.
class TestFork < OoauthccTest
  def in_child
    reader, writer = IO.pipe
    pid = fork do
      reader.close
      writer.write(Marshal.dump(yield))
      writer.close
      exit!(0)
    end
    writer.close
    result = Marshal.load(reader.read)
    _, status = Process.wait2(pid)
    assert status.success?, "child exited with #{status.inspect}"
    result
  end

  def test_child_keeps_the_cached_token_and_can_fetch
    client = new_client
    parent_token = client.token.access_token
    child = in_child do
      kept = client.token.access_token # from the cache inherited with the process
      client.invalidate(kept)
      [kept, client.token.access_token] # a request of the child's own
    end
    assert_equal parent_token, child[0]
    refute_equal parent_token, child[1]
    assert @server.valid_token?(child[1])
    assert_equal 2, requests, "one request in the parent, one in the child after invalidate"
    assert_equal parent_token, client.token.access_token, "the parent's cache is its own"
  end
end
