-- Puts every dead letter of a queue back on it, unchanged, in the order they died.
-- KEYS[1] the dead-letter list. ARGV[1] the queue. Entries are "<json header>\n<envelope>".
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
for _, value in ipairs(entries) do
  local newline = string.find(value, '\n', 1, true)
  local envelope = string.sub(value, newline + 1)
  local ok, decoded = pcall(cjson.decode, envelope)
  local priority = 0
  if ok then priority = envelope_priority(decoded) end
  redis.call('LPUSH', priority_key(ARGV[1], priority), envelope)
end
redis.call('DEL', KEYS[1])
return #entries
