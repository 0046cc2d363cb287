"""Python side of RedisInteropTest and AmqpInteropTest: a Celery app, its one task, and the producer/kombu
commands the tests run.

Run only with Debian's interpreter (/usr/bin/python3: python3-celery 5.2.6, kombu 5.2.4, py-amqp 5.1.1,
redis-py 4.3.4).

    worker:   /usr/bin/python3 -m celery -A interop_app worker -Q interop-py -P solo ...
    commands: /usr/bin/python3 interop_app.py <command> [args]   (cwd = this directory)

Every command prints one JSON object per line on stdout, so the Java test can parse it; diagnostics go to stderr.
The broker URL comes from INTEROP_BROKER_URL (default redis://127.0.0.1:6379/12): redis://... or, for
RabbitMQ, amqp://... / pyamqp://... ; for Redis Sentinel, sentinel://...;sentinel://... with the master's name
in INTEROP_MASTER_NAME (Celery reads it from broker_transport_options only). INTEROP_TASK_QUEUES, a JSON object of
queue name to queue arguments, becomes the app's task_queues, as a deployment configures quorum or priority queues.
py_record appends its records to the file INTEROP_RECORDS_FILE when that is set (the RabbitMQ and Sentinel tests),
else to the Redis list interop:py:records of the broker's database.
"""
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

import redis
from celery import Celery

BROKER_URL = os.environ.get('INTEROP_BROKER_URL', 'redis://127.0.0.1:6379/12')
ON_RABBITMQ = BROKER_URL.startswith(('amqp:', 'amqps:', 'pyamqp:'))
MASTER_NAME = os.environ.get('INTEROP_MASTER_NAME')
JAVA_QUEUE = 'interop-java'
JAVA_TASK = 'interop.record'
#: The Redis list py_record appends to, one JSON object per run.
PY_RECORDS = 'interop:py:records'
#: The file py_record appends to instead, one JSON object per line, when set.
RECORDS_FILE = os.environ.get('INTEROP_RECORDS_FILE')
#: The protocol headers a Celery 5.2 worker reads from a message (celery/worker/request.py, app/task.py Context).
HEADERS = ('lang', 'task', 'id', 'shadow', 'eta', 'expires', 'group', 'group_index', 'retries', 'timelimit',
           'root_id', 'parent_id', 'argsrepr', 'kwargsrepr', 'origin', 'ignore_result')

app = Celery('interop', broker=BROKER_URL)
app.conf.update(
    task_ignore_result=True,
    enable_utc=True,
    timezone='UTC',
    worker_hijack_root_logger=False,
    worker_redirect_stdouts=False,
)
if ON_RABBITMQ:
    # publish() returns once RabbitMQ confirmed the message, so a command's messages are all in the queue
    # when it exits.
    app.conf.broker_transport_options = {'confirm_publish': True}
elif MASTER_NAME:
    app.conf.broker_transport_options = {'master_name': MASTER_NAME}
if os.environ.get('INTEROP_TASK_QUEUES'):
    from kombu import Exchange, Queue
    app.conf.task_queues = [Queue(name, Exchange(name, type='direct'), routing_key=name, queue_arguments=arguments)
                            for name, arguments in json.loads(os.environ['INTEROP_TASK_QUEUES']).items()]

_redis = None


def _client():
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(BROKER_URL)
    return _redis


def _record(entry):
    line = json.dumps(entry, default=str)
    if RECORDS_FILE:
        with open(RECORDS_FILE, 'a', encoding='utf-8') as records:
            records.write(line + '\n')
    else:
        _client().rpush(PY_RECORDS, line)


@app.task(name='interop.py_record', bind=True)
def py_record(self, n, label, **kwargs):
    """The Python implementation of the Java stub PyRecordTask: records each run, with what the worker read
    from the message: the call's args and kwargs, the protocol headers with their Python types, the
    delivery info and the message properties."""
    request = self.request
    delivery_info = request.delivery_info or {}
    headers = {name: getattr(request, name, None) for name in HEADERS}
    properties = {key: value for key, value in (request.properties or {}).items() if key != 'application_headers'}
    _record({
        'id': request.id,
        'n': n,
        'n_type': type(n).__name__,
        'label': label,
        'kwargs': kwargs,
        'retries': request.retries,
        'eta': request.eta,
        'redelivered': bool(delivery_info.get('redelivered')),
        'routing_key': delivery_info.get('routing_key'),
        'exchange': delivery_info.get('exchange'),
        'ran_at': time.time(),
        'args': list(request.args or ()),
        'call_kwargs': request.kwargs,
        'headers': headers,
        'header_types': {name: type(value).__name__ for name, value in headers.items()},
        'priority': delivery_info.get('priority'),
        'properties': properties,
    })


def emit(**fields):
    print(json.dumps(fields), flush=True)


def send(key, **options):
    """send_task to the Java task; prints the key, the task id and the time just before sending."""
    sent_at = time.time()
    result = app.send_task(JAVA_TASK, queue=JAVA_QUEUE, **options)
    emit(key=key, id=result.id, sent_at=sent_at)


def produce_priority():
    """Sent while no Java worker runs: a message that expires in 1 s, then priorities 9, 7, 5, 6, 3, 0.

    kombu 5.2.4 puts priority p on list step(p) with steps 0/3/6/9 (step 0 is the bare queue name), and a
    consumer serves step 0 first, so a worker with one slot must run: p0, then p5, p3 (step 3, FIFO),
    then p7, p6 (step 6), then p9.
    """
    send('expired-short', kwargs={'n': 100, 'label': 'expired-short'}, expires=1)
    for n, priority in [(109, 9), (107, 7), (105, 5), (106, 6), (103, 3), (100, 0)]:
        send('p%d' % priority, kwargs={'n': n, 'label': 'p%d' % priority}, priority=priority)


def produce_main():
    """Sent while a Java worker runs."""
    # (a) keyword arguments only; weight has a Java @Default
    send('kwargs', kwargs={'n': 1, 'label': 'kwargs-only'})
    # (b) positional arguments bind in declaration order: n, label, weight
    send('positional', args=[2, 'positional', 7])
    # (c) keywords the Java method does not name land in @Extras, with their JSON types
    send('extras', kwargs={'n': 3, 'label': 'extras', 'weight': 4, 'trace_id': 'abc-123',
                           'nested': {'a': [1, 2.5, None, True]}, 'unicode': 'h\u00e9llo \u2713'})
    # (d) countdown: Celery turns it into an absolute eta header
    send('countdown', kwargs={'n': 4, 'label': 'countdown'}, countdown=3)
    # (f) expiry already in the past: discarded, never run
    send('expired-past', kwargs={'n': 5, 'label': 'expired-past'},
         expires=datetime.now(timezone.utc) - timedelta(seconds=30))
    # (f) expires before its eta: parked until the eta, then discarded
    send('expired-before-eta', kwargs={'n': 6, 'label': 'expired-before-eta'}, countdown=2, expires=1)
    # (f) a long expiry: runs
    send('expires-long', kwargs={'n': 7, 'label': 'expires-long'}, expires=600)


def produce_amqp_early():
    """Sent while no Java worker consumes: a message that expires in 1 s, then priorities 9, 5, 0.

    Celery's queue has no x-max-priority, so RabbitMQ keeps them in arrival order; the priority travels as
    the message property.
    """
    send('expired-short', kwargs={'n': 100, 'label': 'expired-short'}, expires=1)
    for n, priority in [(109, 9), (105, 5), (100, 0)]:
        send('p%d' % priority, kwargs={'n': n, 'label': 'p%d' % priority}, priority=priority)


def produce_rejects():
    """Messages a Java worker must dead-letter, never run: a task name it does not know, a pickled body, and a
    protocol 1 message (everything in the body, no task header), as Sentry's Celery settings sent them."""
    sent_at = time.time()
    result = app.send_task('interop.nope', queue=JAVA_QUEUE, kwargs={'n': 8, 'label': 'unknown'})
    emit(key='unknown', id=result.id, sent_at=sent_at)
    sent_at = time.time()
    result = app.send_task(JAVA_TASK, queue=JAVA_QUEUE, kwargs={'n': 9, 'label': 'pickle'}, serializer='pickle')
    emit(key='pickle', id=result.id, sent_at=sent_at)
    v1 = Celery('interop-v1', broker=BROKER_URL)
    v1.conf.update(task_protocol=1, broker_transport_options=app.conf.broker_transport_options)
    sent_at = time.time()
    result = v1.send_task(JAVA_TASK, queue=JAVA_QUEUE, kwargs={'n': 10, 'label': 'protocol-1'})
    emit(key='protocol-1', id=result.id, sent_at=sent_at)


def produce_big_headers(good):
    """`good` plain messages with five more between them whose custom headers py-amqp writes with types
    RabbitMQ's Java client does not know: integers beyond 32 bits are field type 'L', also inside a nested
    table and an array, and a 64 KiB string. Then one such message for a task nobody declares, which a
    Celeriac worker dead-letters with its headers."""
    big = [
        {'big': 2 ** 40},
        {'huge': 2 ** 62, 'listed': [2 ** 33, 'x', -(2 ** 50)]},
        {'negative': -(2 ** 40)},
        {'nested': {'deep': 2 ** 35, 'small': 1}},
        {'long_text': 'x' * 65536},
    ]
    good = int(good)
    every = max(1, good // (len(big) + 1))
    n = 0
    for i in range(good):
        send('good-%d' % i, kwargs={'n': n, 'label': 'good-%d' % i})
        n += 1
        if (i + 1) % every == 0 and big:
            headers = big.pop(0)
            send('big-%s' % '-'.join(headers), kwargs={'n': n, 'label': 'big'}, headers=headers)
            n += 1
    sent_at = time.time()
    result = app.send_task('interop.nope', queue=JAVA_QUEUE, kwargs={'n': n, 'label': 'unknown'},
                           headers={'big': 2 ** 40, 'negative': -(2 ** 40), 'nested': {'deep': 2 ** 35}})
    emit(key='unknown-big', id=result.id, sent_at=sent_at)


def peek_headers(queue, count):
    """The custom headers of the first `count` messages on `queue` as py-amqp reads them, with their Python
    types; the messages stay where they are (not acked)."""
    conn = app.connection()
    channel = conn.default_channel
    for _ in range(int(count)):
        message = channel.basic_get(queue, no_ack=False)
        if message is None:
            break
        headers = message.headers
        emit(id=headers.get('id'), headers={name: [repr(value), type(value).__name__]
                                            for name, value in headers.items()
                                            if name in ('big', 'negative', 'nested', 'x-celeriac-reason')})
    conn.release()


def declare(queue, max_priority=None):
    """Declares `queue` as Celery does before it publishes or consumes (app.amqp.queues creates a missing queue
    with a direct exchange of the same name); with max_priority, as task_queue_max_priority would."""
    from kombu import Exchange, Queue
    if max_priority is None:
        declared = app.amqp.queues[queue]
    else:
        declared = Queue(queue, Exchange(queue, type='direct'), routing_key=queue,
                         max_priority=int(max_priority))
    with app.connection_for_write() as conn:
        declared(conn.default_channel).declare()
        emit(queue=queue, durable=declared.durable, auto_delete=declared.auto_delete,
             exchange=declared.exchange.name, exchange_type=declared.exchange.type,
             arguments=declared.queue_arguments or {})


def declare_task_queues():
    """Declares every queue of task_queues as a Celery worker does at start, with its queue_arguments."""
    with app.connection_for_write() as conn:
        for queue in app.amqp.queues.values():
            queue(conn.default_channel).declare()
            emit(queue=queue.name, arguments=queue.queue_arguments or {})


def send_to(queue, n, priority='0'):
    """send_task of the Java task to `queue`, as routed by task_queues, with a message priority."""
    result = app.send_task(JAVA_TASK, queue=queue, kwargs={'n': int(n), 'label': 'python-%s' % n},
                           priority=int(priority))
    emit(key='python-%s' % n, id=result.id, sent_at=time.time())


def kombu_get(queue):
    """Takes one message off `queue` the way a kombu consumer does (basic_get, no_ack=False), so that kombu
    itself writes the `unacked` entry; then exits without acking or closing, like a worker that died."""
    conn = app.connection()
    channel = conn.default_channel
    message = channel.basic_get(queue, no_ack=False)
    if message is None:
        emit(error='no message on %s' % queue)
        sys.exit(2)
    emit(delivery_tag=message.delivery_tag)
    sys.stdout.flush()
    os._exit(0)  # no channel close: kombu would restore its unacked messages at close


def kombu_restore(visibility_timeout):
    """Runs kombu 5.2.4's own visibility-timeout sweep once, as a Python worker's event loop does.

    QoS.restore_visible (kombu/transport/redis.py) takes `unacked_mutex`, reads the unacked_index entries
    scored before now - visibility_timeout and calls restore_by_tag for each: WATCH unacked; HGET; MULTI;
    ZREM unacked_index; HDEL unacked; RPUSH <routing_key> envelope with redelivered=true; EXEC. Its
    `interval` throttle skips all but every 10th call, and the first call of a fresh QoS runs, so one call
    is the sweep. The visibility timeout is a transport option, as a Python deployment would set it.
    """
    app.conf.broker_transport_options = {'visibility_timeout': float(visibility_timeout)}
    with app.connection() as conn:
        channel = conn.default_channel
        client = channel.client
        before = client.hlen(channel.unacked_key)
        channel.qos.restore_visible(num=1000)
        after = client.hlen(channel.unacked_key)
        emit(unacked_before=before, unacked_after=after, visibility_timeout=channel.visibility_timeout)


def capture_events(seconds):
    """Fleet tests: an app.events.Receiver on every event (routing key '#', waking the workers up with a heartbeat
    request) for `seconds`; prints {"ready": true} once it listens, then each event as one JSON line."""
    deadline = time.time() + float(seconds)
    with app.connection_for_read() as conn:
        def on_event(event):
            print(json.dumps(event, default=str), flush=True)
            if time.time() > deadline:
                receiver.should_stop = True

        receiver = app.events.Receiver(conn, handlers={'*': on_event})
        ready = receiver.on_consume_ready

        def on_ready(*args, **kwargs):
            ready(*args, **kwargs)
            emit(ready=True)
        receiver.on_consume_ready = on_ready
        receiver.capture(limit=None, timeout=float(seconds) + 5, wakeup=True)


def revoke(task_id, terminate='false'):
    """Fleet tests: app.control.revoke as an operator's script calls it: a broadcast that asks for no reply."""
    app.control.revoke(task_id, terminate=terminate == 'true')
    emit(revoked=task_id, terminate=terminate == 'true')


def send_java(task_id, countdown='0', sleep_ms='0'):
    """Fleet tests: sends interop.record to the Java queue under a given id, with a countdown in seconds and a
    run time (the task's sleep_ms extra)."""
    options = {'task_id': task_id}
    if float(countdown) > 0:
        options['countdown'] = float(countdown)
    send(task_id, kwargs={'n': 1, 'label': 'fleet', 'sleep_ms': int(sleep_ms)}, **options)


def broadcast(method):
    """Fleet tests: app.control.broadcast(method, reply=True) as a Python client sends it; prints the replies."""
    emit(replies=app.control.broadcast(method, reply=True, timeout=2.0))


COMMANDS = {
    'broadcast': broadcast,
    'capture-events': capture_events,
    'revoke': revoke,
    'send-java': send_java,
    'produce-priority': produce_priority,
    'produce-main': produce_main,
    'produce-amqp-early': produce_amqp_early,
    'produce-rejects': produce_rejects,
    'produce-big-headers': produce_big_headers,
    'peek-headers': peek_headers,
    'declare': declare,
    'declare-task-queues': declare_task_queues,
    'send-to': send_to,
    'kombu-get': kombu_get,
    'kombu-restore': kombu_restore,
}

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit('usage: interop_app.py {%s} [args]' % '|'.join(COMMANDS))
    COMMANDS[sys.argv[1]](*sys.argv[2:])
