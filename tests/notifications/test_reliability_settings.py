"""Guards on the reliability settings: change one and this says which invariant broke."""

import pytest

from vendorrisk.celery import app

OUR_PREFIXES = ("notifications.", "watch.")


def our_tasks():
    app.loader.import_default_modules()
    return [task for name, task in sorted(app.tasks.items()) if name.startswith(OUR_PREFIXES)]


def test_messages_are_json_acknowledged_late_and_fetched_one_at_a_time():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.parametrize("task", our_tasks(), ids=lambda task: task.name)
def test_each_task_retries_transient_errors_with_bounded_exponential_backoff(task):
    assert task.autoretry_for, "retries transient errors"
    assert task.retry_backoff and task.retry_jitter
    assert 0 < task.max_retries <= 10


def test_redis_redelivers_only_after_the_longest_countdown_and_run():
    """An unacknowledged message goes to another worker after the visibility timeout: were it shorter than a
    retry countdown or a run, a task would run twice at once."""
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > app.conf.task_time_limit
    assert all(visibility > task.retry_backoff_max for task in our_tasks())
