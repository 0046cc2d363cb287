"""Celery side of the Celeriac benchmark (benchmarks/README.md).

As a Celery app (`python3 -m celery -A benchapp worker ...`, with this directory on PYTHONPATH) it
declares `bench.noop` on queue `bench`, the same task as dev.celeriac.bench.BenchTasks#noop.

As a script it times the producer side and prints one JSON line on stdout:

    python3 benchapp.py delay N [WARMUP]   # N x noop.delay(i): one publish per call, as apps do
    python3 benchapp.py latency N [GAP_MS] [WARMUP] [BURST]   # BURST warm-up calls back to back, a pause,
                                           # then bench.stamp(time.time()) calls GAP_MS apart; the
                                           # worker appends call-to-start microseconds to BENCH_LATENCY_FILE
    python3 benchapp.py batch N [WARMUP]   # N x noop.apply_async((i,), producer=p) on one shared
                                           # producer (Celery has no batch API; this is its fastest
                                           # honest bulk path: one connection, no pool acquire per call)

WARMUP messages are sent (and counted in the queue) before the clock starts, as the Java side does.
The broker is BENCH_BROKER_URL (default redis://127.0.0.1:6379/10); BENCH_RESULT_BACKEND, when set, is the
result backend the worker stores every result in (bin/bench-redis --results URL).

With BENCH_DONE_FILE and BENCH_EXPECT set, the worker run that completes the BENCH_EXPECT-th no-op (counted
across the prefork pool's processes) writes its time, in epoch microseconds, to BENCH_DONE_FILE: the end
mark of a drain on RabbitMQ, which can't tell how many messages are unacked. BenchTasks does the same.
"""

import json
import os
import sys
import time

from celery import Celery
from kombu import Queue

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/10")
#: With a result backend (the drain "with results"), the worker stores each no-op's SUCCESS there, as the
#: Celeriac worker does with RESULT_BACKEND set to the same URL.
RESULT_BACKEND = os.environ.get("BENCH_RESULT_BACKEND") or None

app = Celery("benchapp", broker=BROKER_URL)
app.conf.update(
    task_default_queue="bench",
    task_queues=[Queue("bench")],
    task_ignore_result=RESULT_BACKEND is None,
    result_backend=RESULT_BACKEND,
    worker_send_task_events=False,
    task_send_sent_event=False,
    broker_connection_retry_on_startup=True,
)


DONE_FILE = os.environ.get("BENCH_DONE_FILE")
EXPECT = int(os.environ.get("BENCH_EXPECT", "0"))
if DONE_FILE:
    import multiprocessing

    # Created before the pool forks, so its processes share it.
    RUNS = multiprocessing.Value("q", 0)


@app.task(name="bench.noop")
def noop(i=0, **kwargs):
    if DONE_FILE:
        with RUNS.get_lock():
            RUNS.value += 1
            done = RUNS.value == EXPECT
        if done:
            with open(DONE_FILE, "w") as out:
                out.write(str(int(time.time() * 1_000_000)))
    return None


LATENCY_FILE = os.environ.get("BENCH_LATENCY_FILE")


@app.task(name="bench.stamp")
def stamp(sent=0.0, warm=False, **kwargs):
    """Appends the microseconds from the producer's call (sent, epoch seconds) to this start to LATENCY_FILE."""
    started = time.time()
    if LATENCY_FILE and not warm:
        fd = os.open(LATENCY_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, b"%d\n" % int((started - sent) * 1_000_000))
        finally:
            os.close(fd)
    return None


def _latency(n, gap_ms, warmup, burst=0, pause_s=0.0):
    """burst warm-up calls back to back and a pause for the worker to drain them, then warmup and n single
    stamp.delay calls gap_ms apart, each stamped with the time of the call."""
    for _ in range(burst):
        stamp.delay(time.time(), True)
    time.sleep(pause_s)
    calls = []
    for i in range(warmup + n):
        sent = time.time()
        stamp.delay(sent, i < warmup)
        if i >= warmup:
            calls.append(time.time() - sent)
        time.sleep(gap_ms / 1000.0)
    calls.sort()
    print(json.dumps({"mode": "latency", "count": n, "call_p50_us": int(calls[len(calls) // 2] * 1e6)}))


def _delay(n, start=0):
    for i in range(start, start + n):
        noop.delay(i)


def _batch(n, start=0):
    with app.producer_or_acquire() as producer:
        for i in range(start, start + n):
            noop.apply_async((i,), producer=producer)


def main(argv):
    if len(argv) >= 3 and argv[1] == "latency":
        n = int(argv[2])
        gap_ms = float(argv[3]) if len(argv) > 3 else 20.0
        warmup = int(argv[4]) if len(argv) > 4 else 50
        burst = int(argv[5]) if len(argv) > 5 else 0
        pause_s = float(argv[6]) if len(argv) > 6 else 0.0
        _latency(n, gap_ms, warmup, burst, pause_s)
        return 0
    if len(argv) < 3 or argv[1] not in ("delay", "batch"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, n = argv[1], int(argv[2])
    warmup = int(argv[3]) if len(argv) > 3 else 0
    send = _delay if mode == "delay" else _batch
    if warmup:
        send(warmup, start=n)
    started = time.perf_counter()
    send(n)
    seconds = time.perf_counter() - started
    print(json.dumps({"mode": mode, "count": n, "warmup": warmup, "seconds": seconds}))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
