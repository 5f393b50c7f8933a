"""Tightening a baseline for a scope of peers: validation, scope matching, and the bulk idempotent fan-out."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.datamap.choices import Sharing
from apps.datamap.services import CategoryAnswer
from apps.register import flows
from apps.risk.models import Baseline, Tightening, VendorRequirement
from apps.risk.services import baseline_tighten, tightening_fan_out
from tests.conftest import tasks_routed_to
from tests.factories.bulk import analytics_vendors_bulk
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import VendorFactory, VendorServiceFactory

RULE = "no-personal-data-client-side-analytics-without-pseudonymisation"
SCOPE = {"category": "analytics", "mechanism": "client_side_sdk", "data_categories": ["contact"]}


@pytest.fixture
def catalogue(db):
    contact = DataCategoryFactory(code="contact", sensitivity=2)
    email = DataCategoryFactory(code="email-address", parent=contact, sensitivity=2)
    usage = DataCategoryFactory(code="page-views-clicks", sensitivity=1)
    return {"contact": contact, "email": email, "usage": usage, "rule": SecurityRequirementFactory(code=RULE)}


def _tighten(reviewer, catalogue, capture, **kwargs):
    with capture(execute=True):
        return baseline_tighten(requirement=catalogue["rule"], actor=reviewer, scope=SCOPE, **kwargs)


def test_only_peers_in_the_combined_scope_get_the_requirement(catalogue, reviewer, django_capture_on_commit_callbacks):
    def vendor(slug, category="analytics", mechanism="client_side_sdk", shared=("email",), status="active"):
        v = VendorFactory(slug=slug, category=category, status=status)
        DataFlowFactory(
            service=VendorServiceFactory(vendor=v), mechanism=mechanism, shared=[catalogue[c] for c in shared]
        )
        return v

    in_scope = vendor("in-scope")  # email-address is under contact: the subtree counts
    vendor("crm", category="crm")
    vendor("server-side", mechanism="server_api")
    vendor("usage-only", shared=("usage",))
    vendor("gone", status="terminated")
    mixed = VendorFactory(slug="mixed", category="analytics")  # SDK on one flow, contact data on another
    DataFlowFactory(
        service=VendorServiceFactory(vendor=mixed), mechanism="client_side_sdk", shared=[catalogue["usage"]]
    )
    DataFlowFactory(service=VendorServiceFactory(vendor=mixed), mechanism="server_api", shared=[catalogue["email"]])

    tightening = _tighten(reviewer, catalogue, django_capture_on_commit_callbacks, reason="Mixpanel incident")
    tightening.refresh_from_db()
    assert list(
        VendorRequirement.objects.filter(requirement=catalogue["rule"]).values_list("vendor__slug", flat=True)
    ) == ["in-scope"]
    status = VendorRequirement.objects.get(vendor=in_scope)
    assert (status.status, status.tightening, status.due_on) == ("not_met", tightening, tightening.due_on)
    assert (tightening.vendors_in_scope, tightening.statuses_created) == (1, 1)


def test_a_new_baseline_version_keeps_the_old_one_and_reaches_the_tier(
    catalogue, reviewer, django_capture_on_commit_callbacks
):
    old = BaselineFactory(tier=2, version=1, requirements=[SecurityRequirementFactory(code="signed-dpa")])
    at_tier = VendorFactory(slug="tier-2", tier=2)
    VendorFactory(slug="tier-3", tier=3)
    with django_capture_on_commit_callbacks(execute=True):
        tightening = baseline_tighten(requirement=catalogue["rule"], actor=reviewer, tier=2, reason="After Mixpanel")
    old.refresh_from_db()
    new = Baseline.objects.get(tier=2, is_current=True)
    assert (old.is_current, new.version, tightening.baseline) == (False, 2, new)
    assert set(new.requirements.values_list("code", flat=True)) == {"signed-dpa", RULE}
    assert set(old.requirements.values_list("code", flat=True)) == {"signed-dpa"}
    assert list(VendorRequirement.objects.filter(requirement=catalogue["rule"]).values_list("vendor", flat=True)) == [
        at_tier.pk
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scope": {}}, "scope"),
        ({"scope": {"colour": "red"}}, "scope"),
        ({"scope": {"mechanism": "carrier-pigeon"}}, "scope"),
        ({"scope": {"data_categories": ["no-such-category"]}}, "scope"),
        ({"scope": SCOPE, "requirement": "no-such-requirement"}, "requirement"),
        ({"tier": 9}, "tier"),
    ],
)
def test_bad_input_is_refused_naming_the_field(kwargs, field, catalogue, reviewer):
    arguments = {"requirement": catalogue["rule"], "actor": reviewer, **kwargs}
    with pytest.raises(ValidationError) as error:
        baseline_tighten(**arguments)
    assert field in error.value.message_dict
    assert not Tightening.objects.exists()


def test_only_a_security_reviewer_tightens(catalogue, buyer):
    with pytest.raises(PermissionDenied):
        baseline_tighten(requirement=catalogue["rule"], actor=buyer, scope=SCOPE)


def _fan_out_queries(tightening):
    with CaptureQueriesContext(connection) as context:
        counts = tightening_fan_out(tightening_id=tightening.pk)
    return counts, context.captured_queries


def test_fan_out_to_1000_vendors_once_idempotent_and_with_flat_query_count(catalogue, reviewer):
    system = SystemFactory(slug="console")
    analytics_vendors_bulk(count=100, system=system, categories=[catalogue["email"]], prefix="small")
    small = baseline_tighten(requirement=catalogue["rule"], actor=reviewer, scope=SCOPE)
    small_counts, small_queries = _fan_out_queries(small)
    assert small_counts == {"vendors_in_scope": 100, "statuses_created": 100}

    analytics_vendors_bulk(count=900, system=system, categories=[catalogue["email"]], prefix="large")
    large = baseline_tighten(requirement=catalogue["rule"], actor=reviewer, scope=SCOPE)
    large_counts, large_queries = _fan_out_queries(large)
    assert large_counts == {"vendors_in_scope": 1000, "statuses_created": 900}
    assert VendorRequirement.objects.filter(requirement=catalogue["rule"]).count() == 1000
    assert VendorRequirement.objects.values("vendor").distinct().count() == 1000

    again, _ = _fan_out_queries(large)
    assert again == {"vendors_in_scope": 1000, "statuses_created": 0}
    assert VendorRequirement.objects.count() == 1000

    def reads(queries):
        return [q for q in queries if not q["sql"].startswith("INSERT")]

    # Reads never grow with vendors; inserts are one statement per batch on PostgreSQL, and SQLite's own
    # 999-parameter limit splits them further (Django's bulk_batch_size), still not one per vendor. (The
    # compliance counts' upsert of the batch's vendors is batched the same way.)
    assert len(reads(large_queries)) == len(reads(small_queries))
    inserts = len([q for q in large_queries if q["sql"].startswith('INSERT INTO "risk_vendorrequirement"')])
    if connection.vendor == "postgresql":
        assert len(large_queries) == len(small_queries)
    else:
        assert inserts <= 900 // connection.ops.bulk_batch_size(["vendor"] * 11, []) + 1


def test_the_fan_out_task_is_late_acknowledged_and_takes_an_id():
    from apps.risk.tasks import tightening_fan_out as task

    assert task.acks_late is True
    assert task.name == "risk.tightening_fan_out"


@pytest.mark.postgres
@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_the_fan_out_runs_on_a_real_worker_after_commit(catalogue, reviewer, celery_worker_process, settings):
    import time

    system = SystemFactory(slug="console")
    analytics_vendors_bulk(count=50, system=system, categories=[catalogue["email"]], prefix="worker")
    with tasks_routed_to(celery_worker_process, "risk.*"):
        tightening = baseline_tighten(requirement=catalogue["rule"], actor=reviewer, scope=SCOPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            tightening.refresh_from_db()
            if tightening.fanned_out_at:
                break
            time.sleep(0.2)
    assert (tightening.vendors_in_scope, tightening.statuses_created) == (50, 50)
    assert VendorRequirement.objects.filter(requirement=catalogue["rule"]).count() == 50


def test_a_vendor_entering_the_scope_later_gets_the_tightened_requirement(
    catalogue, reviewer, django_capture_on_commit_callbacks
):
    tightening = _tighten(reviewer, catalogue, django_capture_on_commit_callbacks, reason="Mixpanel incident")
    newcomer = VendorFactory(slug="newcomer", category="analytics", status="proposed")
    outsider = VendorFactory(slug="outsider", category="analytics", status="proposed")
    email = CategoryAnswer(catalogue["email"], Sharing.SHARED)
    for vendor, mechanism in ((newcomer, "client_side_sdk"), (outsider, "server_api")):
        flows.flow_create(
            actor=reviewer,
            code=f"console-to-{vendor.slug}",
            system=SystemFactory(),
            service=VendorServiceFactory(vendor=vendor),
            mechanism=mechanism,
            categories=[email],
        )

    # The flows' tier recompute ensured the requirements; running it again changes nothing.
    from apps.risk.services import vendor_requirements_ensure

    assert vendor_requirements_ensure(vendor=newcomer) == 0
    status = VendorRequirement.objects.get(vendor=newcomer, requirement=catalogue["rule"])
    assert (status.status, status.tightening) == ("not_met", tightening)
    assert not VendorRequirement.objects.filter(vendor=outsider, requirement=catalogue["rule"]).exists()
