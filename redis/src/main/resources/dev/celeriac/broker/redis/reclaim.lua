-- Returns to the head of their queues, unchanged, in-flight entries of this worker that the worker itself
-- does not know it holds: a fetch whose reply was lost (a dropped connection, a Redis shutdown) recorded
-- them, and this worker's own heartbeat would otherwise keep them in flight for as long as it lives.
-- KEYS[1] unacked, KEYS[2] unacked_index, KEYS[3] this worker's in-flight hash. ARGV: the fields.
local returned = 0
for i = 1, #ARGV do
  local value = redis.call('HGET', KEYS[3], ARGV[i])
  if value then
    local list_key, envelope = in_flight_message(value, redis.call('HGET', KEYS[1], ARGV[i]))
    redis.call('HDEL', KEYS[3], ARGV[i])
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[i])
    if envelope then
      redis.call('RPUSH', list_key, envelope)
      returned = returned + 1
    end
  end
end
return returned
