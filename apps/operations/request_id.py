"""One id per request, in every log line it causes: the web process's, the Celery tasks it enqueued, and the
webhook deliveries those tasks make.

The id comes from an `X-Request-ID` header when a proxy in front of us set one (so its logs and ours join up), if
it is short and plain; otherwise it is generated. It is echoed in the response, carried in a Celery message header
and set again in the worker while the task runs. A task started by beat (no request) gets its own id.
"""

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
CELERY_HEADER = "vendorrisk_request_id"
# What we accept from outside: a log line must not be forgeable with newlines or made huge.
ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

_current = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if ACCEPTED.match(offered) else new_request_id()
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (None outside a request or task), for the JSON and plain formatters."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


@before_task_publish.connect(weak=False)
def _carry_request_id(headers=None, **kwargs):
    request_id = _current.get()
    if headers is not None and request_id and CELERY_HEADER not in headers:
        headers[CELERY_HEADER] = request_id


_task_tokens = {}


@task_prerun.connect(weak=False)
def _restore_request_id(task_id=None, task=None, **kwargs):
    carried = getattr(task.request, CELERY_HEADER, None) if task is not None else None
    if carried is None and task is not None:
        carried = (task.request.headers or {}).get(CELERY_HEADER) if task.request.headers else None
    # Eager tasks run inside the request: keep its id. A task from beat gets an id of its own.
    request_id = carried or _current.get() or new_request_id()
    _task_tokens[task_id] = _current.set(request_id)


@task_postrun.connect(weak=False)
def _forget_request_id(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # set in another context (a thread pool): nothing to restore there
            _current.set(None)
