-- Removes a key with its index entry and bytes. KEYS: value key, index, sizes, bytes. ARGV: name.
local existed = redis.call('DEL', KEYS[1])
local size = redis.call('HGET', KEYS[3], ARGV[1])
if size then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('DECRBY', KEYS[4], size)
end
redis.call('ZREM', KEYS[2], ARGV[1])
return existed
