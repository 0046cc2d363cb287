-- Records revoked task ids in the sorted set celeriac:revoked, scored by when each stops being revoked (epoch
-- ms): a later expiry wins; expired entries are dropped, and the set keeps at most ARGV[2] of the latest.
-- KEYS[1] celeriac:revoked. ARGV[1] the expiry of these ids, ARGV[2] the most entries kept, ARGV[3..] the ids.
local until_ms = tonumber(ARGV[1])
for i = 3, #ARGV do
  local current = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if not current or tonumber(current) < until_ms then
    redis.call('ZADD', KEYS[1], until_ms, ARGV[i])
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', math.floor(now_seconds() * 1000))
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[2])
if excess > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
end
return redis.call('ZCARD', KEYS[1])
