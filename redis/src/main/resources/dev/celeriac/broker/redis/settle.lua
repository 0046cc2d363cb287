-- Settles one delivery in one atomic step: moves a message somewhere and acknowledges the delivery,
-- but only while this worker still owns it (heartbeat recovery may have returned it already).
-- KEYS[1] unacked, KEYS[2] unacked_index, KEYS[3] this worker's in-flight hash, KEYS[4] target key.
-- ARGV[1] tag, ARGV[2] action, ARGV[3] payload, ARGV[4] score (for 'park').
--   'head'  push the payload to the head of consumption (RPUSH) of list KEYS[4]
--   'tail'  push the payload to the tail of consumption (LPUSH) of list KEYS[4]
--   'park'  add the payload to zset KEYS[4] with score ARGV[4] (a delayed message, due at that time)
--   'dead'  append the payload to the dead-letter list KEYS[4]
if redis.call('HDEL', KEYS[3], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local action = ARGV[2]
if action == 'head' or action == 'dead' then
  redis.call('RPUSH', KEYS[4], ARGV[3])
elseif action == 'tail' then
  redis.call('LPUSH', KEYS[4], ARGV[3])
elseif action == 'park' then
  redis.call('ZADD', KEYS[4], ARGV[4], ARGV[3])
else
  return redis.error_reply('unknown settle action ' .. tostring(action))
end
return 1
