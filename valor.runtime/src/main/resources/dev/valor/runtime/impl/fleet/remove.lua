-- Removes one plugin from the fleet's set, its artifact with its last user, and logs the change.
-- KEYS: the set (hash), the artifacts' reference counts (hash), the log (stream).
-- ARGV: name, the artifacts' key prefix, the log's approximate length.
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then
  return false
end
local sha = cjson.decode(old)['sha256'] -- before anything is written
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HINCRBY', KEYS[2], sha, -1) <= 0 then
  redis.call('HDEL', KEYS[2], sha)
  redis.call('DEL', ARGV[2] .. sha)
end
return redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'op', 'remove', 'name', ARGV[1])
