-- The per-slot lock of run cron: publish a periodic task's message for a slot once, whoever asks.
-- KEYS[1] celeriac:cron:<schedule> (the last slot published, epoch ms), KEYS[2] the queue's list,
-- KEYS[3] celeriac's queue set, KEYS[4] kombu's binding set of the queue.
-- ARGV[1] the slot, ARGV[2] the first slot a schedule without a record may fire, ARGV[3] the envelope,
-- ARGV[4] the queue, ARGV[5] its binding member. Returns 1 when this call pushed the message.
local slot = tonumber(ARGV[1])
local last = redis.call('GET', KEYS[1])
if last then
  if tonumber(last) >= slot then return 0 end
  redis.call('SET', KEYS[1], ARGV[1])
elseif slot < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[1], ARGV[1])
  return 0
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[5])
redis.call('LPUSH', KEYS[2], ARGV[3])
return 1
