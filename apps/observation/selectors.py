"""Reads of the observed data map, with the joins each list needs."""

import datetime

from django.db.models import Count, Max, Min
from django.utils import timezone

from .choices import FindingStatus
from .models import DriftFinding, ObservationTarget, ObservedRequest


def findings(*, system=None, vendor=None, status=None):
    queryset = DriftFinding.objects.select_related("system", "vendor", "flow", "category", "evidence")
    if system is not None:
        queryset = queryset.filter(system=system)
    if vendor is not None:
        queryset = queryset.filter(vendor=vendor)
    if status is not None:
        queryset = queryset.filter(status=status)
    return queryset


def open_findings_count(*, system=None, vendor=None) -> int:
    return findings(system=system, vendor=vendor, status=FindingStatus.OPEN).count()


def targets_due():
    """Every target checked on schedule."""
    return ObservationTarget.objects.filter(enabled=True).select_related("system").order_by("pk")


def unknown_third_parties(*, days=7, now=None, limit=50):
    """Origins our pages sent requests to in the last `days` that match no vendor of the register."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    rows = (
        ObservedRequest.objects.filter(vendor__isnull=True, last_seen__gte=since)
        .values("origin", "suggested_vendor")
        .annotate(requests=Count("id"), first_seen=Min("first_seen"), last_seen=Max("last_seen"))
        .order_by("-last_seen", "origin")[:limit]
    )
    rows = list(rows)
    systems = {}
    for origin, slug in (
        ObservedRequest.objects.filter(
            vendor__isnull=True, last_seen__gte=since, origin__in=[r["origin"] for r in rows]
        )
        .values_list("origin", "system__slug")
        .distinct()
    ):
        systems.setdefault(origin, set()).add(slug)
    return [
        {
            "origin": row["origin"],
            "known_as": row["suggested_vendor"],
            "systems": sorted(systems.get(row["origin"], ())),
            "requests": row["requests"],
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"],
        }
        for row in rows
    ]
