"""The schedule is declared in code and installed into django-celery-beat idempotently."""

from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from apps.watch.schedule import PERIODIC_CHECKS
from vendorrisk.celery import app


def installed():
    return {t.name: (t.task, t.crontab.minute, t.crontab.hour, t.enabled) for t in PeriodicTask.objects.all()}


def test_the_command_installs_every_check_and_a_second_run_changes_nothing(db, capsys):
    call_command("setup_periodic_tasks")
    first = installed()
    assert first == {c.name: (c.task, c.minute, c.hour, True) for c in PERIODIC_CHECKS}
    schedules = CrontabSchedule.objects.count()
    capsys.readouterr()

    call_command("setup_periodic_tasks")
    assert installed() == first
    assert CrontabSchedule.objects.count() == schedules
    assert "0 created, 0 updated, 0 removed" in capsys.readouterr().out


def test_code_wins_over_drift_but_a_pause_and_others_tasks_are_kept(db):
    call_command("setup_periodic_tasks")
    reviews = PeriodicTask.objects.get(task="watch.reviews_check")
    reviews.crontab = CrontabSchedule.objects.create(minute="59", hour="23")
    reviews.enabled = False
    reviews.save()
    evidence = PeriodicTask.objects.get(task="watch.evidence_check")
    PeriodicTask.objects.create(name="vendorrisk: a check since removed", task="watch.gone", crontab=evidence.crontab)
    PeriodicTask.objects.create(name="an operator's own task", task="core.ping", crontab=evidence.crontab)

    call_command("setup_periodic_tasks")
    reviews.refresh_from_db()
    assert (reviews.crontab.minute, reviews.crontab.hour, reviews.enabled) == ("0", "6", False)
    assert not PeriodicTask.objects.filter(task="watch.gone").exists()
    assert PeriodicTask.objects.filter(name="an operator's own task").exists()


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    assert {c.task for c in PERIODIC_CHECKS} <= set(app.tasks)


def test_setup_demo_installs_the_schedule(db):
    call_command("setup_demo")
    assert set(PeriodicTask.objects.values_list("task", flat=True)) >= {c.task for c in PERIODIC_CHECKS}
