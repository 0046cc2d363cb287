-- Shared by every Celeriac script (prepended when loaded).
-- kombu's priority keys: steps 0/3/6/9, step 0 is the bare queue name, the others are
-- queue .. '\x06\x16' .. step (kombu/transport/redis.py PRIORITY_STEPS, _q_for_pri).
local function priority_key(queue, priority)
  local p = tonumber(priority) or 0
  if p <= 2 then return queue end
  if p <= 5 then return queue .. '\6\0223' end
  if p <= 8 then return queue .. '\6\0226' end
  return queue .. '\6\0229'
end

local function envelope_priority(decoded)
  if type(decoded) == 'table' and type(decoded.properties) == 'table'
      and type(decoded.properties.priority) == 'number' then
    return decoded.properties.priority
  end
  return 0
end

local function now_seconds()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end

-- The suffix Celeriac writes after an envelope in its kombu `unacked` entries: '[' .. envelope .. suffix.
local function entry_suffix(queue)
  return ', "", ' .. cjson.encode(queue) .. ']'
end

-- What an in-flight message is recorded as: its kombu `unacked` entry, and the `raw` part of its value in the
-- worker's own hash. kombu stores [envelope, exchange, routing_key] with the envelope as an object: an envelope
-- that is one keeps its bytes ('[' .. envelope .. suffix); any other is framed as a string, so the entry stays
-- JSON, and kept as is in the own hash.
local function in_flight_entry(envelope, queue, suffix)
  if string.byte(envelope, 1) == 123 and string.byte(envelope, -1) == 125 then -- '{' ... '}'
    return '[' .. envelope .. suffix, ''
  end
  return cjson.encode({envelope, '', queue}), envelope
end

-- A worker's in-flight hash holds '<list key>\n<queue>\n<raw>' per field; raw is empty when the envelope
-- is the one framed in the `unacked` entry (every decodable message), so it is stored once.
-- Returns the list key and the envelope, or nil when the entry is gone.
local function in_flight_message(value, entry)
  local first = string.find(value, '\n', 1, true)
  local second = string.find(value, '\n', first + 1, true)
  local list_key = string.sub(value, 1, first - 1)
  local queue = string.sub(value, first + 1, second - 1)
  local raw = string.sub(value, second + 1)
  if raw ~= '' then
    return list_key, raw
  end
  if not entry then
    return nil, nil
  end
  return list_key, string.sub(entry, 2, #entry - #entry_suffix(queue))
end

-- Runs `command key values...` for a long list of values in calls of at most 1000 of them (an even
-- number, so field/value and score/member pairs stay together): Lua's unpack is bounded by its stack.
local function call_in_chunks(command, key, values)
  for start = 1, #values, 1000 do
    redis.call(command, key, unpack(values, start, math.min(#values, start + 999)))
  end
end

-- Moves what a worker's hand-off lists hold back to the head of their list keys, oldest nearest the head,
-- and deletes the set naming them. Returns the number of messages moved.
local function return_handoffs(handoffs_key, handoff_prefix)
  local moved = 0
  for _, list_key in ipairs(redis.call('SMEMBERS', handoffs_key)) do
    local handoff = handoff_prefix .. list_key
    while redis.call('LMOVE', handoff, list_key, 'LEFT', 'RIGHT') do
      moved = moved + 1
    end
  end
  redis.call('DEL', handoffs_key)
  return moved
end
