-- Acknowledges a batch of deliveries: removes them from kombu's structures and this worker's hash.
-- KEYS[1] unacked, KEYS[2] unacked_index, KEYS[3] this worker's in-flight hash. ARGV: the fields.
call_in_chunks('HDEL', KEYS[1], ARGV)
call_in_chunks('ZREM', KEYS[2], ARGV)
call_in_chunks('HDEL', KEYS[3], ARGV)
return #ARGV
