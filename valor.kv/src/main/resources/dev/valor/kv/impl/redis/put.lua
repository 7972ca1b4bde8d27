-- Sets a value under the quota, keeping the store's index and byte count with it.
-- KEYS: value key, index, sizes, bytes. ARGV: name, value, ttl ms (0: none), quota (0: none), size,
-- mode ("put"; "cas-absent"; "cas" with ARGV[6] the expected value).
local old = redis.call('HGET', KEYS[3], ARGV[1])
local current = redis.call('GET', KEYS[1])
if old and not current then -- expired: its space comes back
  redis.call('DECRBY', KEYS[4], old)
  redis.call('HDEL', KEYS[3], ARGV[1])
  old = false
end
if ARGV[6] == 'cas-absent' and current then return 0 end
if ARGV[6] == 'cas' and current ~= ARGV[7] then return 0 end
local delta = tonumber(ARGV[5]) - (old and tonumber(old) or 0)
local quota = tonumber(ARGV[4])
if quota > 0 and delta > 0 then
  local used = tonumber(redis.call('GET', KEYS[4]) or '0')
  if used + delta > quota then return {'quota', used, delta} end
end
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[5])
redis.call('INCRBY', KEYS[4], delta)
return 1
