-- One header task's result joins its chord, as Celery's RedisBackend.on_chord_part_return does, atomically.
-- KEYS[1] celery-taskset-meta-<gid>.j  (ZSET of '[1, task_id, state, result]' scored by group_index)
-- KEYS[2] celery-taskset-meta-<gid>.t  (counter of members added at run time; absent = 0)
-- KEYS[3] celery-taskset-meta-<gid>.s  (chord size, written by the producer)
-- KEYS[4] celery-taskset-meta-<gid>.celeriac-claim  (id of the task that fires the body)
-- ARGV[1] member JSON, ARGV[2] score (group_index or '+inf'), ARGV[3] task id, ARGV[4] expiry seconds (0 none)
-- Returns the members in score order when this call completed the header and holds the claim, else nil.
-- A task that reports again (a redelivered message) replaces its earlier member, so it never counts twice.
local existing = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[2])
for _, member in ipairs(existing) do
  local ok, decoded = pcall(cjson.decode, member)
  if ok and type(decoded) == 'table' and decoded[2] == ARGV[3] then
    redis.call('ZREM', KEYS[1], member)
  end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local ready = redis.call('ZCOUNT', KEYS[1], '-inf', '+inf')
local diff = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
local size = redis.call('GET', KEYS[3])
local expires = tonumber(ARGV[4])
if expires > 0 then
  redis.call('EXPIRE', KEYS[1], expires)
  redis.call('EXPIRE', KEYS[2], expires)
  redis.call('EXPIRE', KEYS[3], expires)
end
if not size then
  return nil
end
if ready ~= tonumber(size) + diff then
  return nil
end
local claimed
if expires > 0 then
  claimed = redis.call('SET', KEYS[4], ARGV[3], 'NX', 'EX', expires)
else
  claimed = redis.call('SET', KEYS[4], ARGV[3], 'NX')
end
if not claimed and redis.call('GET', KEYS[4]) ~= ARGV[3] then
  return nil
end
return redis.call('ZRANGE', KEYS[1], 0, -1)
