"""Python side of the canvas interop tests: a Celery 5.2.6 app with a Redis result backend, its tasks, and the
commands that build canvases mixing its tasks with the Java ones (CanvasTasks in the Java tests).

Run only with Debian's interpreter (/usr/bin/python3: python3-celery 5.2.6, kombu 5.2.4, redis-py 4.3.4).

    worker:   /usr/bin/python3 -m celery -A canvas_app worker -Q canvas-py -P solo ...
    commands: /usr/bin/python3 canvas_app.py <command> [args]   (cwd = this directory)

INTEROP_BROKER_URL is the broker (redis://... or amqp://...), CANVAS_RESULT_BACKEND the Redis result backend.
Every Python task run is appended, as one JSON object, to the Redis list canvas:py:runs of the result backend's
database. Every command prints JSON objects, one a line.
"""
import json
import os
import sys

import redis
from celery import Celery, chain, chord, group, signature
from celery.result import AsyncResult, GroupResult

BROKER_URL = os.environ.get('INTEROP_BROKER_URL', 'redis://127.0.0.1:6379/12')
RESULT_BACKEND = os.environ.get('CANVAS_RESULT_BACKEND', 'redis://127.0.0.1:6379/10')
ON_RABBITMQ = BROKER_URL.startswith(('amqp:', 'amqps:', 'pyamqp:'))
PY_QUEUE = 'canvas-py'
JAVA_QUEUE = 'canvas-java'
RUNS = 'canvas:py:runs'

app = Celery('canvas', broker=BROKER_URL, backend=RESULT_BACKEND)
app.conf.update(
    task_ignore_result=False,
    enable_utc=True,
    timezone='UTC',
    worker_hijack_root_logger=False,
    worker_redirect_stdouts=False,
    # As a deployment routes its tasks: the Java ones to the Java service's queue.
    task_routes={'canvas.java_*': {'queue': JAVA_QUEUE}, 'canvas.py_*': {'queue': PY_QUEUE}},
)
if ON_RABBITMQ:
    app.conf.broker_transport_options = {'confirm_publish': True}

_redis = None


def _client():
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(RESULT_BACKEND)
    return _redis


def _record(task, name, args, result=None):
    request = task.request
    _client().rpush(RUNS, json.dumps({
        'name': name, 'id': request.id, 'args': list(args), 'result': result, 'parent_id': request.parent_id,
        'root_id': request.root_id, 'group': request.group, 'group_index': getattr(request, 'group_index', None),
    }, default=str))


@app.task(name='canvas.py_add', bind=True)
def py_add(self, x, y):
    result = (x or 0) + (y or 0)
    _record(self, 'py_add', [x, y], result)
    return result


@app.task(name='canvas.py_sum', bind=True)
def py_sum(self, values):
    result = sum(v or 0 for v in values)
    _record(self, 'py_sum', [values], result)
    return result


@app.task(name='canvas.py_fail', bind=True)
def py_fail(self, n):
    _record(self, 'py_fail', [n])
    raise ValueError('python failure', n)


@app.task(name='canvas.py_on_error', bind=True)
def py_on_error(self, task_id, note):
    _record(self, 'py_on_error', [task_id, note])
    return note


def java(name, **kwargs):
    """A signature of a Java task, by name: Java tasks take keyword arguments."""
    return signature('canvas.' + name, kwargs=kwargs, app=app)


def emit(**fields):
    print(json.dumps(fields, default=str), flush=True)


def chain_python_first():
    # Python -> Java -> Python: 1+2=3, 3+10=13 (Java), 13+100=113.
    result = chain(py_add.s(1, 2), java('java_add', y=10), py_add.s(100)).apply_async()
    emit(last=result.id, first=result.parent.parent.id)


def chain_java_first():
    # Java -> Python -> Java: 5+6=11 (Java), 11+1=12, 12+1000=1012 (Java).
    result = chain(java('java_add', x=5, y=6), py_add.s(1), java('java_add', y=1000)).apply_async()
    emit(last=result.id, first=result.parent.parent.id)


def chain_java_fails():
    # The Java step fails: the rest of the chain never runs, and each remaining step is stored as failed.
    result = chain(java('java_fail', n=9), py_add.s(1), py_add.s(2)).apply_async()
    emit(last=result.id, middle=result.parent.id, first=result.parent.parent.id)


def link():
    ok = java('java_add', x=2, y=2).apply_async(link=py_add.s(10), link_error=py_on_error.s('not-expected'))
    bad = java('java_fail', n=7).apply_async(link=py_add.s(1), link_error=py_on_error.s('java-failed'))
    py_bad = py_fail.apply_async((8,), link_error=java('java_on_error', note='python-failed'))
    emit(ok=ok.id, bad=bad.id, py_bad=py_bad.id)


def group_mixed():
    result = group(py_add.s(1, 1), java('java_add', x=2, y=2), py_add.s(3, 3), java('java_add', x=4, y=4)) \
        .apply_async()
    result.save()
    emit(group=result.id, members=[r.id for r in result.results])


def chord_mixed(body):
    header = [py_add.s(1, 1), java('java_add', x=2, y=2), py_add.s(3, 3), java('java_add', x=4, y=4)]
    callback = java('java_sum') if body == 'java' else py_sum.s()
    result = chord(header)(callback)
    emit(body=result.id)


def get(task_id, timeout='30'):
    try:
        result = AsyncResult(task_id, app=app)
        value = result.get(timeout=float(timeout))
        # children: what the task sent before its result was stored (callbacks, chain step), as result_from_tuple
        # reads the stored tuples.
        emit(id=task_id, result=value, error=None, children=[child.id for child in (result.children or [])])
    except Exception as exc:  # noqa: BLE001 - the test reads what failed
        emit(id=task_id, result=None, error=repr(exc), state=AsyncResult(task_id, app=app).state)


def group_get(group_id, timeout='30'):
    restored = GroupResult.restore(group_id, app=app)
    emit(group=group_id, members=[r.id for r in restored.results])


def runs():
    for line in _client().lrange(RUNS, 0, -1):
        print(line.decode('utf-8'))


COMMANDS = {
    'chain-python-first': chain_python_first,
    'chain-java-first': chain_java_first,
    'chain-java-fails': chain_java_fails,
    'link': link,
    'group-mixed': group_mixed,
    'chord-mixed': chord_mixed,
    'get': get,
    'group-get': group_get,
    'runs': runs,
}

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit('usage: canvas_app.py {%s} [args]' % '|'.join(COMMANDS))
    COMMANDS[sys.argv[1]](*sys.argv[2:])
