-- A closing worker hands what its hand-off lists hold back to the head of their queues (atomic).
-- KEYS[1] the worker's hand-off set. ARGV[1] the worker's hand-off list key prefix.
return return_handoffs(KEYS[1], ARGV[1])
