-- Puts one plugin into the fleet's set with its artifact and logs the change, in one step.
-- KEYS: the set (hash), the artifacts' reference counts (hash), the log (stream).
-- ARGV: name, entry (JSON with "sha256"), sha256, artifact bytes, "create" or "replace",
--       the artifacts' key prefix, the log's approximate length.
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and ARGV[5] == 'create' then
  return redis.error_reply('EXISTS a plugin named ' .. ARGV[1] .. ' is in the fleet already')
end
-- Decoded before anything is written: Redis does not undo a script that fails half way.
local sha = old and cjson.decode(old)['sha256']
redis.call('SET', ARGV[6] .. ARGV[3], ARGV[4])
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if sha then
  if redis.call('HINCRBY', KEYS[2], sha, -1) <= 0 then
    redis.call('HDEL', KEYS[2], sha)
    redis.call('DEL', ARGV[6] .. sha)
  end
end
return redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'op', 'put', 'name', ARGV[1])
