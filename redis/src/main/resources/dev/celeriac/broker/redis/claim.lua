-- Claims messages an idle worker's BLMOVE moved into its hand-off lists and that the worker already runs: each is
-- taken out of its hand-off list and recorded in flight under the field the worker gave it, as fetch.lua records
-- what it pops. The worker started the task from the BLMOVE reply, without waiting for this round trip
-- (RedisConsumer); until this runs, the message is in the hand-off list, where recovery finds it if the worker dies.
-- A claim runs again after a lost reply: a field already in flight is claimed. A message no longer in its
-- hand-off list was returned to its queue (recovery took this worker for dead, or the worker handed its lists
-- back): not claimed, so the worker no longer owns it and its settle does nothing.
-- KEYS[1] unacked, KEYS[2] unacked_index, KEYS[3] this worker's in-flight hash, then for each message its list
-- key and its hand-off list. ARGV: for each message its field, its queue and its envelope.
-- Returns, for each message, 1 when it is claimed and 0 when the worker no longer owns it.
local now = now_seconds()
local out = {}
for i = 1, #ARGV / 3 do
  local field, queue, envelope = ARGV[3 * i - 2], ARGV[3 * i - 1], ARGV[3 * i]
  local list_key, handoff = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  if redis.call('HEXISTS', KEYS[3], field) == 1 then
    out[i] = 1
  elseif redis.call('LREM', handoff, -1, envelope) == 1 then
    local entry, raw = in_flight_entry(envelope, queue, entry_suffix(queue))
    redis.call('HSET', KEYS[1], field, entry)
    redis.call('ZADD', KEYS[2], now, field)
    redis.call('HSET', KEYS[3], field, list_key .. '\n' .. queue .. '\n' .. raw)
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
