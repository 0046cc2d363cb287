-- Returns the in-flight messages of workers whose heartbeat lapsed to the head of their queues,
-- unchanged, each exactly once (atomic; entries a Python sweep already restored are skipped).
-- KEYS[1] workers zset, KEYS[2] unacked, KEYS[3] unacked_index.
-- ARGV[1] heartbeat timeout in ms, ARGV[2] in-flight hash key prefix, ARGV[3] hand-off set key prefix,
-- ARGV[4] hand-off list key prefix (the worker's hand-off lists are returned to their queues as well).
local now_ms = math.floor(now_seconds() * 1000)
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms - tonumber(ARGV[1]))
local restored = 0
for _, worker in ipairs(lapsed) do
  local key = ARGV[2] .. worker
  local fields = redis.call('HGETALL', key)
  for j = 1, #fields, 2 do
    local field = fields[j]
    local entry = redis.call('HGET', KEYS[2], field)
    if entry then
      local list_key, envelope = in_flight_message(fields[j + 1], entry)
      redis.call('HDEL', KEYS[2], field)
      redis.call('ZREM', KEYS[3], field)
      redis.call('RPUSH', list_key, envelope)
      restored = restored + 1
    end
  end
  redis.call('DEL', key)
  if ARGV[3] then
    restored = restored + return_handoffs(ARGV[3] .. worker, ARGV[4] .. worker .. '\n')
  end
  redis.call('ZREM', KEYS[1], worker)
end
return restored
