"""Python side of the results interop tests (ResultsInteropTest): a Celery 5.2.6 app WITH a result backend.

    worker:   /usr/bin/python3 -m celery -A results_app worker -Q results-py -P solo ...
    commands: /usr/bin/python3 results_app.py <command> [args]   (cwd = this directory)

The broker is INTEROP_BROKER_URL, the result backend RESULTS_BACKEND (redis://... or rpc://). Every command prints
one JSON object on stdout.
"""
import json
import os
import sys

from celery import Celery
from celery.result import AsyncResult

BROKER_URL = os.environ.get('INTEROP_BROKER_URL', 'redis://127.0.0.1:6379/12')
RESULT_BACKEND = os.environ['RESULTS_BACKEND']

app = Celery('results', broker=BROKER_URL, backend=RESULT_BACKEND)
app.conf.update(enable_utc=True, timezone='UTC', worker_hijack_root_logger=False, worker_redirect_stdouts=False)
if BROKER_URL.startswith(('amqp:', 'amqps:', 'pyamqp:')):
    app.conf.broker_transport_options = {'confirm_publish': True}


@app.task(name='results.py_add')
def py_add(x, y, **kwargs):
    return x + y


@app.task(name='results.py_fail')
def py_fail(message, **kwargs):
    raise ValueError(message, 42)


def _outcome(result, timeout):
    try:
        value = result.get(timeout=float(timeout))
        return {'id': result.id, 'state': result.state, 'value': value}
    except Exception as error:  # what AsyncResult.get() raised: the stored exception, rebuilt
        return {'id': result.id, 'state': result.state, 'error_type': type(error).__name__,
                'error_module': type(error).__module__, 'error': str(error), 'args': list(error.args),
                'traceback': result.traceback}


def call(name, queue, kwargs_json, timeout):
    """send_task, then AsyncResult.get() in the same process (as rpc:// needs: the reply queue is this client's)."""
    result = app.send_task(name, kwargs=json.loads(kwargs_json), queue=queue)
    print(json.dumps(_outcome(result, timeout), default=str))


def get(task_id, timeout):
    print(json.dumps(_outcome(AsyncResult(task_id, app=app), timeout), default=str))


if __name__ == '__main__':
    {'call': call, 'get': get}[sys.argv[1]](*sys.argv[2:])
