-- A page of live keys from the index, in byte order, dropping entries whose value expired.
-- KEYS: index, sizes, bytes. ARGV: min (ZRANGEBYLEX form), max, limit, value key prefix.
-- Returns {name, pttl, name, pttl, ..., more (1/0), last name read}; a page may be short when many
-- keys expired, and says more then: the cursor goes on from the last name read.
local limit = tonumber(ARGV[3])
local out = {}
local found = 0
local min = ARGV[1]
local last = ''
local more = 0
local exhausted = false
for _ = 1, 20 do
  local batch = redis.call('ZRANGEBYLEX', KEYS[1], min, ARGV[2], 'LIMIT', 0, limit + 1)
  for _, name in ipairs(batch) do
    if found == limit then more = 1 break end
    local pttl = redis.call('PTTL', ARGV[4] .. name)
    if pttl == -2 then
      redis.call('ZREM', KEYS[1], name)
      local size = redis.call('HGET', KEYS[2], name)
      if size then
        redis.call('HDEL', KEYS[2], name)
        redis.call('DECRBY', KEYS[3], size)
      end
    else
      out[#out + 1] = name
      out[#out + 1] = pttl
      found = found + 1
    end
    last = name
  end
  if more == 1 then break end
  if #batch < limit + 1 then exhausted = true break end
  min = '(' .. last
end
if more == 0 and not exhausted then more = 1 end
out[#out + 1] = more
out[#out + 1] = last
return out
