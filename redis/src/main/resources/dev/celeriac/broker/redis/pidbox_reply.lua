-- A remote-control reply, routed as kombu's direct exchange `reply.celery.pidbox` routes it: pushed to every
-- queue bound with the reply's routing key (the asking client's id); dropped when none is, as kombu drops it.
-- KEYS[1] _kombu.binding.reply.celery.pidbox (members: routing_key \x06\x16 pattern \x06\x16 queue).
-- ARGV[1] the routing key, ARGV[2] the envelope. Returns how many queues it reached.
local separator = '\6\22'
local pushed = 0
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local first = string.find(member, separator, 1, true)
  if first and string.sub(member, 1, first - 1) == ARGV[1] then
    local second = string.find(member, separator, first + 2, true)
    if second then
      redis.call('LPUSH', string.sub(member, second + 2), ARGV[2])
      pushed = pushed + 1
    end
  end
end
return pushed
