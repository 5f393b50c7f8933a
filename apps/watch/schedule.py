"""The periodic schedule, declared here and installed into django-celery-beat by `manage.py setup_periodic_tasks`.

Times are UTC. The daily checks run early so reminders are waiting when people start work; the incident check is
hourly because a breach-notification clause is counted in hours. The schedule is kept in one place, so the
notifications app's hourly resend of lost sends is declared here too.
"""

from dataclasses import dataclass

NAME_PREFIX = "vendorrisk: "


@dataclass(frozen=True)
class PeriodicCheck:
    name: str
    task: str
    minute: str
    hour: str = "*"


PERIODIC_CHECKS = (
    PeriodicCheck(f"{NAME_PREFIX}reviews overdue and due soon", "watch.reviews_check", minute="0", hour="6"),
    PeriodicCheck(f"{NAME_PREFIX}evidence expiring and expired", "watch.evidence_check", minute="10", hour="6"),
    PeriodicCheck(f"{NAME_PREFIX}contract end and notice dates", "watch.contracts_check", minute="20", hour="6"),
    PeriodicCheck(f"{NAME_PREFIX}incident notification delays", "watch.incident_delays_check", minute="5"),
    PeriodicCheck(f"{NAME_PREFIX}resend notifications whose task was lost", "notifications.requeue_stale", minute="35"),
    # Before the daily checks, so the night's drift findings are there when people start work (apps.observation).
    PeriodicCheck(
        f"{NAME_PREFIX}crawl our systems' pages for undeclared flows", "observation.observe_all", minute="30", hour="5"
    ),
    PeriodicCheck(f"{NAME_PREFIX}questionnaire reminders", "questionnaires.reminders_send", minute="30", hour="6"),
    PeriodicCheck(f"{NAME_PREFIX}breach feeds", "monitoring.feeds_fetch", minute="*/15"),
    PeriodicCheck(f"{NAME_PREFIX}concentration thresholds", "monitoring.concentration_check", minute="30", hour="6"),
    PeriodicCheck(f"{NAME_PREFIX}residual risk ratings", "monitoring.residual_risk_refresh", minute="45"),
)
