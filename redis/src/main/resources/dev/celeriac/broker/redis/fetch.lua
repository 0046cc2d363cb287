-- Pops up to ARGV[1] messages and records each as in flight in the same atomic step: in kombu's
-- `unacked` hash and `unacked_index` zset (so Python workers see and can restore it) and in this
-- worker's own hash (field -> '<list key>\n<queue>\n<raw or empty>'), which heartbeat recovery uses.
-- The field is '<worker>#<n>', n counting this worker's fetched messages from ARGV[3] on: unique without
-- reading the envelope (kombu keys its restore on the index member, not on the delivery tag), and never
-- the field of another worker, so a message restored from a dead worker and fetched again is not taken
-- for the dead worker's. Redis runs this for every message: the loop only pops and frames, and the
-- records go out in one call per structure.
-- When this worker's BLMOVE moved messages into its hand-off lists (see ArrivalWatch), each list key's
-- hand-off list is drained before the list itself: it holds the oldest messages of that list.
-- KEYS[1] unacked, KEYS[2] unacked_index, KEYS[3] this worker's in-flight hash, KEYS[4..3+n] the n list
-- keys in consumption order, then optionally KEYS[4+n..3+2n] the hand-off list of each list key.
-- ARGV[1] max, ARGV[2] worker id, ARGV[3] the number of the first field, ARGV[4..3+n] the queue of each
-- list key.
local max = tonumber(ARGV[1])
local prefix = ARGV[2] .. '#'
local first = tonumber(ARGV[3])
local lists = #ARGV - 3
local handoffs = #KEYS > 3 + lists
local now = now_seconds()
local out, unacked, index, own = {}, {}, {}, {}
local taken = 0
for i = 4, 3 + lists do
  local queue = ARGV[i]
  local suffix = entry_suffix(queue)
  local handoff = handoffs and KEYS[i + lists]
  while taken < max do
    local envelope = false
    if handoff then
      envelope = redis.call('RPOP', handoff)
      if not envelope then handoff = false end
    end
    if not envelope then envelope = redis.call('RPOP', KEYS[i]) end
    if not envelope then break end
    local field = prefix .. (first + taken)
    local entry, raw = in_flight_entry(envelope, queue, suffix)
    unacked[#unacked + 1] = field
    unacked[#unacked + 1] = entry
    index[#index + 1] = now
    index[#index + 1] = field
    own[#own + 1] = field
    own[#own + 1] = KEYS[i] .. '\n' .. queue .. '\n' .. raw
    taken = taken + 1
    out[#out + 1] = queue
    out[#out + 1] = envelope
  end
  if taken >= max then break end
end
call_in_chunks('HSET', KEYS[1], unacked)
call_in_chunks('ZADD', KEYS[2], index)
call_in_chunks('HSET', KEYS[3], own)
return out
