-- kombu's visibility-timeout restore (restore_visible), for in-flight entries no live Celeriac worker
-- keeps fresh: typically those of a Python worker that died. Marks them redelivered as kombu does.
-- Atomic, so it never races a Python worker's WATCH/MULTI restore into a double restore.
-- KEYS[1] unacked, KEYS[2] unacked_index. ARGV[1] visibility timeout in seconds, ARGV[2] max.
local ceiling = now_seconds() - tonumber(ARGV[1])
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ceiling, 'LIMIT', 0, tonumber(ARGV[2]))
local restored = 0
for _, tag in ipairs(stale) do
  local value = redis.call('HGET', KEYS[1], tag)
  if value then
    local ok, entry = pcall(cjson.decode, value)
    if ok and type(entry) == 'table' and type(entry[3]) == 'string' then
      local envelope = entry[1]
      if type(envelope) == 'table' then
        if type(envelope.headers) ~= 'table' then envelope.headers = {} end
        envelope.headers.redelivered = true
        if type(envelope.properties) == 'table' then
          if type(envelope.properties.delivery_info) ~= 'table' then envelope.properties.delivery_info = {} end
          envelope.properties.delivery_info.redelivered = true
        end
        redis.call('RPUSH', priority_key(entry[3], envelope_priority(envelope)), cjson.encode(envelope))
        restored = restored + 1
      elseif type(envelope) == 'string' then
        redis.call('RPUSH', entry[3], envelope)
        restored = restored + 1
      end
    end
    redis.call('HDEL', KEYS[1], tag)
  end
  redis.call('ZREM', KEYS[2], tag)
end
return restored
