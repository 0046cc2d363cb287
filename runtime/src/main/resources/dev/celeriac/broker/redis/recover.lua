-- Returns the in-flight messages of workers whose heartbeat lapsed to the head of their queues,
-- unchanged, each exactly once (atomic; entries a Python sweep already restored are skipped).
-- KEYS[1] workers zset, KEYS[2] unacked, KEYS[3] unacked_index.
-- ARGV[1] heartbeat timeout in ms, ARGV[2] in-flight hash key prefix.
local now_ms = math.floor(now_seconds() * 1000)
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms - tonumber(ARGV[1]))
local restored = 0
for _, worker in ipairs(lapsed) do
  local key = ARGV[2] .. worker
  local entries = redis.call('HGETALL', key)
  for j = 1, #entries, 2 do
    local tag = entries[j]
    local value = entries[j + 1]
    if redis.call('HDEL', KEYS[2], tag) == 1 then
      redis.call('ZREM', KEYS[3], tag)
      local newline = string.find(value, '\n', 1, true)
      redis.call('RPUSH', string.sub(value, 1, newline - 1), string.sub(value, newline + 1))
      restored = restored + 1
    end
  end
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[1], worker)
end
return restored
