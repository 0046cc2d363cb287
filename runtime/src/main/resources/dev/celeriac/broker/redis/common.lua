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
