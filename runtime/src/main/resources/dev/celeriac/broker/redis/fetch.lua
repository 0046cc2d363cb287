-- Pops up to ARGV[1] messages and records each as in flight in the same atomic step: in kombu's
-- `unacked` hash and `unacked_index` zset (so Python workers see and can restore it) and in this
-- worker's own hash (field -> '<list key>\n<queue>\n<raw or empty>'), which heartbeat recovery uses.
-- The field is '<delivery_tag>@<worker>': kombu's restore keeps a message's delivery tag, so a message
-- restored from a dead worker and fetched again must not share that dead worker's field (recovery would
-- take it for the dead worker's). kombu keys its restore on the index member, not on the tag.
-- The tag is found by pattern rather than by decoding the envelope: Redis runs this for every message.
-- KEYS[1] unacked, KEYS[2] unacked_index, KEYS[3] this worker's in-flight hash, KEYS[4] tag sequence,
-- KEYS[5..] list keys in consumption order. ARGV[1] max, ARGV[2] worker id, ARGV[3..] the queue of each list key.
local max = tonumber(ARGV[1])
local worker = ARGV[2]
local now = now_seconds()
local out = {}
local taken = 0
for i = 5, #KEYS do
  local queue = ARGV[i - 2]
  local suffix = entry_suffix(queue)
  while taken < max do
    local envelope = redis.call('RPOP', KEYS[i])
    if not envelope then break end
    local tag = nil
    if string.byte(envelope, 1) == 123 then -- '{'
      tag = string.match(envelope, '"delivery_tag"%s*:%s*"([^"\\]+)"')
    end
    local entry
    local raw
    if tag then
      -- kombu stores [envelope, exchange, routing_key] with the envelope as an object: keep its bytes.
      entry = '[' .. envelope .. suffix
      raw = ''
    else
      tag = 'celeriac-undecodable-' .. redis.call('INCR', KEYS[4])
      entry = cjson.encode({envelope, '', queue})
      raw = envelope
    end
    local field = tag .. '@' .. worker
    if redis.call('HSETNX', KEYS[1], field, entry) == 0 then
      -- A reused delivery tag must not overwrite another in-flight message.
      field = field .. '#' .. redis.call('INCR', KEYS[4])
      redis.call('HSET', KEYS[1], field, entry)
    end
    redis.call('ZADD', KEYS[2], now, field)
    redis.call('HSET', KEYS[3], field, KEYS[i] .. '\n' .. queue .. '\n' .. raw)
    taken = taken + 1
    out[#out + 1] = queue
    out[#out + 1] = field
    out[#out + 1] = envelope
  end
  if taken >= max then break end
end
return out
