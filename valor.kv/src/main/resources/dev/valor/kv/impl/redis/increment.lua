-- INCRBY (atomic, keeping the expiry) with the index and byte count kept. KEYS: value key, index,
-- sizes, bytes. ARGV: name, delta, quota (0: none), key length.
local old = redis.call('HGET', KEYS[3], ARGV[1])
local exists = redis.call('EXISTS', KEYS[1]) == 1
if old and not exists then
  redis.call('DECRBY', KEYS[4], old)
  redis.call('HDEL', KEYS[3], ARGV[1])
  old = false
end
local before = exists and redis.call('GET', KEYS[1]) or '0'
if not string.match(before, '^%-?%d+$') then return {'nan'} end
local value = redis.call('INCRBY', KEYS[1], ARGV[2]) -- fails on overflow: the script stops there
local size = tonumber(ARGV[4]) + string.len(tostring(value))
local delta = size - (old and tonumber(old) or 0)
local quota = tonumber(ARGV[3])
if quota > 0 and delta > 0 and tonumber(redis.call('GET', KEYS[4]) or '0') + delta > quota then
  redis.call('DECRBY', KEYS[1], ARGV[2]) -- undone: nothing changed
  if not exists then redis.call('DEL', KEYS[1]) end
  return {'quota', tonumber(redis.call('GET', KEYS[4]) or '0'), delta}
end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], size)
redis.call('INCRBY', KEYS[4], delta)
return value
