-- Moves due delayed messages back to the head of their queue, each exactly once (atomic).
-- KEYS: the delayed zsets. ARGV[1] max per zset, ARGV[2..] the queue of each zset.
-- Returns {moved, the earliest due time left in the zsets in epoch ms or -1}: when to promote next.
local max = tonumber(ARGV[1])
local now_ms = math.floor(now_seconds() * 1000)
local moved = 0
for i = 1, #KEYS do
  local due = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', now_ms, 'LIMIT', 0, max)
  for _, envelope in ipairs(due) do
    redis.call('ZREM', KEYS[i], envelope)
    local ok, decoded = pcall(cjson.decode, envelope)
    local priority = 0
    if ok then priority = envelope_priority(decoded) end
    redis.call('RPUSH', priority_key(ARGV[i + 1], priority), envelope)
    moved = moved + 1
  end
end
local earliest = -1
for i = 1, #KEYS do
  local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
  if first[2] then
    local due = math.floor(tonumber(first[2]))
    if earliest < 0 or due < earliest then earliest = due end
  end
end
return {moved, earliest}
