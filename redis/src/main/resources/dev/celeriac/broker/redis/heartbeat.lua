-- Marks this worker alive and keeps its in-flight messages fresh in kombu's unacked_index, so that
-- no visibility-timeout sweep (Python's or ours) restores work a live worker is still running.
-- KEYS[1] workers zset, KEYS[2] unacked_index, KEYS[3] this worker's in-flight hash. ARGV[1] worker id.
local now = now_seconds()
redis.call('ZADD', KEYS[1], math.floor(now * 1000), ARGV[1])
local tags = redis.call('HKEYS', KEYS[3])
for _, tag in ipairs(tags) do
  redis.call('ZADD', KEYS[2], 'XX', now, tag)
end
return #tags
