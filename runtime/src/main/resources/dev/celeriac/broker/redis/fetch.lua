-- Pops up to ARGV[1] messages and records each as in flight in the same atomic step: in kombu's
-- `unacked` hash and `unacked_index` zset (so Python workers see and can restore it) and in this
-- worker's own hash (field -> source list key, newline, envelope), which heartbeat recovery uses.
-- The field is '<delivery_tag>@<worker>': kombu's restore keeps a message's delivery tag, so a message
-- restored from a dead worker and fetched again must not share that dead worker's field (recovery would
-- take it for the dead worker's). kombu keys its restore on the index member, not on the tag.
-- KEYS[1] unacked, KEYS[2] unacked_index, KEYS[3] this worker's in-flight hash, KEYS[4] tag sequence,
-- KEYS[5..] list keys in consumption order. ARGV[1] max, ARGV[2] worker id, ARGV[3..] the queue of each list key.
local max = tonumber(ARGV[1])
local worker = ARGV[2]
local now = now_seconds()
local out = {}
local taken = 0
for i = 5, #KEYS do
  local queue = ARGV[i - 2]
  while taken < max do
    local envelope = redis.call('RPOP', KEYS[i])
    if not envelope then break end
    local ok, decoded = pcall(cjson.decode, envelope)
    local tag
    local entry
    if ok and type(decoded) == 'table' and type(decoded.properties) == 'table'
        and type(decoded.properties.delivery_tag) == 'string' then
      tag = decoded.properties.delivery_tag
      local exchange = ''
      local routing_key = queue
      local info = decoded.properties.delivery_info
      if type(info) == 'table' then
        if type(info.exchange) == 'string' then exchange = info.exchange end
        if type(info.routing_key) == 'string' then routing_key = info.routing_key end
      end
      -- kombu stores [envelope, exchange, routing_key] with the envelope as an object: keep its bytes.
      entry = '[' .. envelope .. ', ' .. cjson.encode(exchange) .. ', ' .. cjson.encode(routing_key) .. ']'
    else
      tag = 'celeriac-undecodable-' .. redis.call('INCR', KEYS[4])
      entry = cjson.encode({envelope, '', queue})
    end
    tag = tag .. '@' .. worker
    if redis.call('HEXISTS', KEYS[1], tag) == 1 then
      -- A reused delivery tag must not overwrite another in-flight message.
      tag = tag .. '#' .. redis.call('INCR', KEYS[4])
    end
    redis.call('HSET', KEYS[1], tag, entry)
    redis.call('ZADD', KEYS[2], now, tag)
    redis.call('HSET', KEYS[3], tag, KEYS[i] .. '\n' .. envelope)
    taken = taken + 1
    out[#out + 1] = queue
    out[#out + 1] = tag
    out[#out + 1] = envelope
  end
  if taken >= max then break end
end
return out
