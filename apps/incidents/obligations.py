"""Breach-notification clocks, per role and per law: a declared table of obligations and one pure function.

Each obligation says who owes a notice to whom, from which recorded moment to which, and within what limit.
`breach_clocks(facts, now=...)` turns the incident's recorded moments into one clock per obligation: met,
breached, running, not applicable or unknown, each with the reason in words. Nothing is inferred: a moment
that is not recorded stays unknown (the GDPR Art. 33(1) clock of an incident whose awareness is not recorded
says so, rather than starting at some other moment).

`incident_clocks(incident)` gathers the facts from an incident (its contract at detection, the
REGISTER_FINANCIAL_ENTITY setting) and calls the pure function.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import OurRole, RiskToIndividuals


class ClockStatus:
    MET = "met"
    BREACHED = "breached"
    RUNNING = "running"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"


CLOCK_STATUSES = (
    ClockStatus.MET,
    ClockStatus.BREACHED,
    ClockStatus.RUNNING,
    ClockStatus.NOT_APPLICABLE,
    ClockStatus.UNKNOWN,
)
CLOCK_STATUS_LABELS = {
    ClockStatus.MET: gettext_lazy("met"),
    ClockStatus.BREACHED: gettext_lazy("breached"),
    ClockStatus.RUNNING: gettext_lazy("running"),
    ClockStatus.NOT_APPLICABLE: gettext_lazy("not applicable"),
    ClockStatus.UNKNOWN: gettext_lazy("unknown"),
}

LAW_LABELS = {"GDPR": gettext_lazy("GDPR"), "DORA": gettext_lazy("DORA")}

# The moments a clock can start or stop at, by the name ClockFacts gives them.
MOMENT_LABELS = {
    "vendor_detected_at": gettext_lazy("the vendor's detection"),
    "told_at": gettext_lazy("the vendor's notice to us"),
    "we_became_aware_at": gettext_lazy("our awareness"),
    "sa_notified_at": gettext_lazy("notification of the supervisory authority"),
    "subjects_notified_at": gettext_lazy("notification of the data subjects"),
    "dora_major_classified_at": gettext_lazy("classification as a major ICT-related incident"),
    "dora_initial_notified_at": gettext_lazy("the DORA initial notification"),
    "dora_intermediate_reported_at": gettext_lazy("the DORA intermediate report"),
    "dora_final_reported_at": gettext_lazy("the DORA final report"),
}


@dataclass(frozen=True)
class Obligation:
    code: str
    law: str
    article: str
    duty: str  # who owes what to whom, in words
    start: str  # a MOMENT_LABELS key
    end: str
    limit_hours: int | None = None
    limit_months: int | None = None
    # "Without undue delay": no fixed hours in the law. With `measured_by_contract`, the contract's breach
    # notification clause is the measure; otherwise the clock is met once the notice is given.
    undue_delay: bool = False
    measured_by_contract: bool = False
    scope: str = "gdpr_controller"  # which applicability rule (APPLICABILITY below)


OBLIGATIONS = (
    Obligation(
        code="gdpr-33-2",
        law="GDPR",
        article="Art. 33(2)",
        duty=gettext_lazy("The vendor (processor) notifies us (controller) without undue delay"),
        start="vendor_detected_at",
        end="told_at",
        undue_delay=True,
        measured_by_contract=True,
        scope="vendor_processor",
    ),
    Obligation(
        code="gdpr-33-1",
        law="GDPR",
        article="Art. 33(1)",
        duty=gettext_lazy("We (controller) notify the supervisory authority within 72 hours of awareness"),
        start="we_became_aware_at",
        end="sa_notified_at",
        limit_hours=72,
        scope="gdpr_controller",
    ),
    Obligation(
        code="gdpr-34",
        law="GDPR",
        article="Art. 34(1)",
        duty=gettext_lazy("We (controller) notify the data subjects without undue delay when the risk is high"),
        start="we_became_aware_at",
        end="subjects_notified_at",
        undue_delay=True,
        scope="gdpr_high_risk",
    ),
    Obligation(
        code="dora-19-initial-classification",
        law="DORA",
        article="Art. 19(4)(a)",
        duty=gettext_lazy("Initial notification to the competent authority within 4 hours of classification"),
        start="dora_major_classified_at",
        end="dora_initial_notified_at",
        limit_hours=4,
        scope="dora_major",
    ),
    Obligation(
        code="dora-19-initial-awareness",
        law="DORA",
        article="Art. 19(4)(a)",
        duty=gettext_lazy("Initial notification to the competent authority within 24 hours of awareness"),
        start="we_became_aware_at",
        end="dora_initial_notified_at",
        limit_hours=24,
        scope="dora_major",
    ),
    Obligation(
        code="dora-19-intermediate",
        law="DORA",
        article="Art. 19(4)(b)",
        duty=gettext_lazy("Intermediate report within 72 hours of the initial notification"),
        start="dora_initial_notified_at",
        end="dora_intermediate_reported_at",
        limit_hours=72,
        scope="dora_major",
    ),
    Obligation(
        code="dora-19-final",
        law="DORA",
        article="Art. 19(4)(c)",
        duty=gettext_lazy("Final report within one month of the intermediate report"),
        start="dora_intermediate_reported_at",
        end="dora_final_reported_at",
        limit_months=1,
        scope="dora_major",
    ),
)


@dataclass(frozen=True)
class ClockFacts:
    """What the clocks read: recorded moments (None when not recorded) and the facts deciding applicability."""

    vendor_detected_at: datetime.datetime | None = None
    told_at: datetime.datetime | None = None
    we_became_aware_at: datetime.datetime | None = None
    sa_notified_at: datetime.datetime | None = None
    subjects_notified_at: datetime.datetime | None = None
    dora_major_classified_at: datetime.datetime | None = None
    dora_initial_notified_at: datetime.datetime | None = None
    dora_intermediate_reported_at: datetime.datetime | None = None
    dora_final_reported_at: datetime.datetime | None = None
    our_role: str = OurRole.CONTROLLER
    risk_to_individuals: str = RiskToIndividuals.UNASSESSED
    contract_reference: str | None = None
    contract_clause_hours: int | None = None
    financial_entity: bool = False


@dataclass(frozen=True)
class Clock:
    obligation: Obligation
    status: str
    reason: str
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    deadline: datetime.datetime | None
    elapsed_hours: float | None
    limit_hours: float | None


def _not_applicable(obligation, facts):
    """Why the obligation does not apply to these facts, or None when it does."""
    if obligation.scope == "vendor_processor":
        return None
    if obligation.scope.startswith("dora"):
        if not facts.financial_entity:
            return _("DORA applies to financial entities; this register's organisation is not one.")
        if facts.dora_major_classified_at is None:
            return _("Not classified as a major ICT-related incident.")
        return None
    if facts.our_role != OurRole.CONTROLLER:
        return _("We are the processor: our duty is to notify our controller (Art. 33(2)), not the authority.")
    if facts.risk_to_individuals == RiskToIndividuals.UNLIKELY:
        return _("Assessed as unlikely to result in a risk to individuals.")
    if obligation.scope == "gdpr_high_risk" and facts.risk_to_individuals == RiskToIndividuals.RISK:
        return _("Assessed as a risk, not a high risk, to individuals.")
    return None


def _add_months(moment, months):
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):  # the 31st of a shorter month is its last day
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _hours(start, end):
    return round((end - start).total_seconds() / 3600, 1)


def _fmt(hours):
    return f"{hours:g} h"


def _clock(obligation, facts, now):
    started = getattr(facts, obligation.start)
    ended = getattr(facts, obligation.end)
    reason = _not_applicable(obligation, facts)
    if reason:
        return Clock(obligation, ClockStatus.NOT_APPLICABLE, reason, started, ended, None, None, None)
    if obligation.scope == "gdpr_high_risk" and facts.risk_to_individuals == RiskToIndividuals.UNASSESSED:
        reason = _("The risk to individuals is not yet assessed: Art. 34 applies only to a high risk.")
        return Clock(obligation, ClockStatus.UNKNOWN, reason, started, ended, None, None, None)
    if started is None:
        reason = _("%(moment)s not recorded.") % {"moment": str(MOMENT_LABELS[obligation.start]).capitalize()}
        return Clock(obligation, ClockStatus.UNKNOWN, reason, None, ended, None, None, None)

    limit = obligation.limit_hours
    if obligation.measured_by_contract:
        limit = facts.contract_clause_hours
    deadline = None
    if limit is not None:
        deadline = started + datetime.timedelta(hours=limit)
    elif obligation.limit_months:
        deadline = _add_months(started, obligation.limit_months)
        limit = _hours(started, deadline)
    elapsed = _hours(started, ended or now)
    end_label = MOMENT_LABELS[obligation.end]
    args = {"elapsed": _fmt(elapsed), "limit": _fmt(limit) if limit is not None else None, "end": end_label}
    if obligation.measured_by_contract:
        args["limit"] = _("the %(limit)s of contract %(contract)s") % {
            "limit": args["limit"],
            "contract": facts.contract_reference,
        }

    if deadline is None:
        # "Without undue delay" with nothing to measure it against: done is done, the delay is for a person to judge.
        if ended is not None:
            status = ClockStatus.MET
            reason = _("Done %(elapsed)s after the start; no fixed limit, so a reviewer judges whether that was undue.")
        else:
            status = ClockStatus.RUNNING
            reason = _("Not done yet: %(elapsed)s so far, without undue delay.")
        if obligation.measured_by_contract:
            reason += " " + _("No contract clause sets hours to measure it against.")
        return Clock(obligation, status, reason % args, started, ended, None, elapsed, None)

    if ended is not None:
        if ended > deadline:
            status, reason = ClockStatus.BREACHED, _("Done after %(elapsed)s, past %(limit)s.")
        else:
            status, reason = ClockStatus.MET, _("Done after %(elapsed)s, within %(limit)s.")
    elif now > deadline:
        status, reason = (
            ClockStatus.BREACHED,
            _("Overdue: %(elapsed)s so far, past %(limit)s, and %(end)s not recorded."),
        )
    else:
        status, reason = ClockStatus.RUNNING, _("Running: %(elapsed)s of %(limit)s elapsed.")
    return Clock(obligation, status, reason % args, started, ended, deadline, elapsed, limit)


def breach_clocks(facts: ClockFacts, *, now: datetime.datetime) -> list[Clock]:
    """One clock per declared obligation, in the table's order. Pure: reads only `facts` and `now`."""
    return [_clock(obligation, facts, now) for obligation in OBLIGATIONS]


def clock_facts(incident, *, financial_entity: bool | None = None) -> ClockFacts:
    """The facts of an incident (its vendor's contracts prefetched keeps this query-free)."""
    from .delays import contract_at_detection

    told = [t for t in (incident.vendor_notified_at, incident.dataset_received_at) if t]
    contract = contract_at_detection(incident)
    if financial_entity is None:
        financial_entity = getattr(settings, "REGISTER_FINANCIAL_ENTITY", False)
    return ClockFacts(
        vendor_detected_at=incident.vendor_detected_at,
        told_at=min(told) if told else None,
        we_became_aware_at=incident.we_became_aware_at,
        sa_notified_at=incident.sa_notified_at,
        subjects_notified_at=incident.subjects_notified_at,
        dora_major_classified_at=incident.dora_major_classified_at,
        dora_initial_notified_at=incident.dora_initial_notified_at,
        dora_intermediate_reported_at=incident.dora_intermediate_reported_at,
        dora_final_reported_at=incident.dora_final_reported_at,
        our_role=incident.our_role,
        risk_to_individuals=incident.risk_to_individuals,
        contract_reference=contract.reference if contract else None,
        contract_clause_hours=contract.breach_notification_hours if contract else None,
        financial_entity=bool(financial_entity),
    )


def incident_clocks(incident, *, now=None, financial_entity=None) -> list[Clock]:
    return breach_clocks(clock_facts(incident, financial_entity=financial_entity), now=now or timezone.now())
