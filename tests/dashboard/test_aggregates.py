"""The dashboard's summary rows equal a full recomputation from the raw register after any sequence of writes
made through the services, and `rebuild_aggregates` repairs them when they drift."""

import datetime
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from apps.dashboard.models import CategoryReach, MechanismReach, VendorSummary
from apps.dashboard.selectors import LATE_LIST, TOP_CATEGORIES, dashboard
from apps.dashboard.services import summaries_rebuild
from apps.datamap.choices import Mechanism, Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q
from apps.datamap.services import CategoryAnswer
from apps.monitoring.selectors import concentration as raw_concentration
from apps.register import flows
from apps.reviews.services import exception_grant
from apps.risk.choices import RequirementStatus
from apps.risk.models import ComplianceCount, VendorCompliance, VendorRequirement
from apps.risk.services import requirement_statuses_sweep, vendor_requirement_record, vendor_tier_override
from apps.vendors.models import Vendor
from tests.factories.datamap import DataCategoryFactory, SystemFactory
from tests.factories.reviews import ReviewFactory
from tests.factories.risk import BaselineFactory, SecurityRequirementFactory
from tests.factories.vendors import DocumentFactory, SubprocessorFactory, VendorFactory, VendorServiceFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
STATUSES = RequirementStatus.values


# --- the oracle: every data-map figure recomputed from the raw tables, as main computed them ---------------------


def raw_top_categories():
    rows = (
        DataFlowCategory.objects.filter(active_flow_q(prefix="flow__"), sharing=Sharing.SHARED)
        .values("category__code", "category__name", "category__path")
        .annotate(vendors=Count("flow__vendor", distinct=True))
        .order_by("-vendors", "category__path")[:TOP_CATEGORIES]
    )
    return [{"code": r["category__code"], "name": r["category__name"], "vendors": r["vendors"]} for r in rows]


def raw_client_side():
    personal = DataFlowCategory.objects.filter(
        flow=OuterRef("pk"), sharing=Sharing.SHARED, category__is_personal_data=True
    )
    running = DataFlow.objects.filter(
        active_flow_q(), Exists(personal), vendor=OuterRef("pk"), mechanism=Mechanism.CLIENT_SIDE_SDK
    )
    return list(
        Vendor.objects.filter(Exists(running)).order_by("display_name", "pk").values("slug", "display_name", "tier")
    )


def raw_mechanisms():
    rows = DataFlow.objects.filter(active_flow_q()).order_by().values("mechanism")
    return {row["mechanism"]: row["n"] for row in rows.annotate(n=Count("vendor", distinct=True))}


def raw_compliance_by_tier():
    """Every requirement status counted per vendor tier, as the dashboard counted them before its counters."""
    rows = (
        VendorRequirement.objects.order_by()
        .values("vendor__tier")
        .annotate(total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in STATUSES})
    )
    result = {}
    for row in rows:
        tier = row.pop("vendor__tier")
        row["compliance_percent"] = round(100 * (row["met"] + row["exception"]) / row["total"], 1)
        result[str(tier) if tier is not None else "none"] = row
    return result


def assert_figures_match_the_register():
    from apps.dashboard.selectors import vendors_by_mechanism

    figures = dashboard()
    assert figures["requirement_compliance_by_tier"] == raw_compliance_by_tier()
    everyone = raw_client_side()
    assert figures["top_received_categories"] == raw_top_categories()
    assert figures["client_side_vendors_with_personal_data"] == everyone[:10]
    assert figures["client_side_vendors_with_personal_data_total"] == len(everyone)
    assert figures["concentration"] == raw_concentration()
    assert vendors_by_mechanism() == raw_mechanisms()
    assert len(figures["late_breach_notifications"]) <= LATE_LIST


# --- random writes through the services ---------------------------------------------------------------------------


@pytest.fixture
def world(reviewer):
    rng = random.Random(22)
    categories = [
        DataCategoryFactory(code="email-address", is_personal_data=True, sensitivity=2),
        DataCategoryFactory(code="phone-number", is_personal_data=True, sensitivity=2),
        DataCategoryFactory(code="card-number", is_personal_data=True, sensitivity=4),
        DataCategoryFactory(code="api-key", is_personal_data=False, is_secret=True, sensitivity=4),
        DataCategoryFactory(code="telemetry", is_personal_data=False, sensitivity=1),
    ]
    cloud = VendorFactory(slug="big-cloud")
    # Each tier's baseline: a tier move gives the vendor its new tier's statuses (and its old ones count anew).
    shared = SecurityRequirementFactory(code="dpa")
    for tier in range(1, 5):
        own = [SecurityRequirementFactory(code=f"tier-{tier}-{n}") for n in range(tier % 3 + 1)]
        BaselineFactory(tier=tier, requirements=[shared, *own])
    vendors = []
    for index in range(8):
        vendor = VendorFactory(slug=f"v{index}", display_name=f"Vendor {index:02d}", tier=1 + index % 4)
        VendorServiceFactory(vendor=vendor, slug="main")
        # Evidence that expires on TODAY + 5: a sweep run after that day lapses what it proves.
        DocumentFactory(vendor=vendor, expires_on=TODAY + datetime.timedelta(days=5))
        ReviewFactory(vendor=vendor)
        if index % 3 == 0:
            SubprocessorFactory(vendor_id=vendor.pk, subprocessor=cloud)
        vendors.append(vendor)
    return rng, categories, vendors, [SystemFactory(slug=f"s{i}") for i in range(2)]


def random_answers(rng, categories):
    return [
        CategoryAnswer(category, rng.choice([Sharing.SHARED, Sharing.SHARED, Sharing.NOT_SHARED]))
        for category in rng.sample(categories, rng.randint(0, 3))
    ]


def one_random_write(rng, categories, vendors, systems, reviewer, step):
    running = list(DataFlow.objects.filter(active_flow_q()).order_by("pk"))
    statuses = list(VendorRequirement.objects.order_by("pk"))
    moves = ["create", "create", "update", "set", "end", "end_later", "tier", "tier", "move"]
    move = rng.choice([*moves, "record", "record", "exception", "sweep"])
    if move in ("record", "exception", "sweep") and not statuses:
        move = "tier"
    if move in ("update", "set", "end", "end_later", "move") and not running:
        move = "create"
    if move == "create":
        flows.flow_create(
            actor=reviewer,
            code=f"flow-{step}",
            system=rng.choice(systems),
            service=rng.choice(vendors).services.get(),
            mechanism=rng.choice(Mechanism.values),
            purpose="Analytics",
            categories=random_answers(rng, categories),
        )
    elif move == "update":
        flows.flow_update(
            flow=rng.choice(running),
            actor=reviewer,
            mechanism=rng.choice(Mechanism.values),
            categories=random_answers(rng, categories),
        )
    elif move == "set":
        flows.flow_category_set(
            flow=rng.choice(running),
            category=rng.choice(categories),
            sharing=rng.choice(Sharing.values),
            actor=reviewer,
        )
    elif move == "end":
        flows.flow_end(flow=rng.choice(running), actor=reviewer)
    elif move == "end_later":
        flows.flow_end(flow=rng.choice(running), actor=reviewer, ends_on=TODAY + datetime.timedelta(days=3))
    elif move == "move":  # the flow goes to another vendor's service: both vendors' summaries change
        flows.flow_update(flow=rng.choice(running), actor=reviewer, service=rng.choice(vendors).services.get())
    elif move == "record":
        status = rng.choice(statuses)
        recorded = rng.choice([RequirementStatus.MET, RequirementStatus.NOT_MET, RequirementStatus.IN_PROGRESS])
        evidence = status.vendor.documents.first() if recorded == RequirementStatus.MET else None
        vendor_requirement_record(vendor_requirement=status, status=recorded, actor=reviewer, evidence=evidence)
    elif move == "exception":
        status = rng.choice(statuses)
        exception_grant(
            review=status.vendor.reviews.first(),
            vendor_requirement=status,
            justification="Compensating control reviewed by the team",
            expires_on=TODAY + datetime.timedelta(days=rng.choice([3, 60])),
            actor=reviewer,
        )
    elif move == "sweep":  # a later day's sweep: evidence and short exceptions have lapsed by then
        requirement_statuses_sweep(today=TODAY + datetime.timedelta(days=10))
    else:
        vendor_tier_override(vendor=rng.choice(vendors), tier=rng.randint(1, 4), reason="Random test", actor=reviewer)
    return move


def test_after_random_writes_through_the_services_every_figure_equals_a_full_recomputation(world, reviewer):
    rng, categories, vendors, systems = world
    moves = set()
    for step in range(90):
        try:
            moves.add(one_random_write(rng, categories, vendors, systems, reviewer, step))
        except Exception as refused:  # a write the rules refuse (an ancestor's answer contradicted) changes nothing
            if type(refused).__name__ not in ("ValidationError", "TransitionRefused"):
                raise
        if step % 5 == 4:
            assert_figures_match_the_register()
    assert_figures_match_the_register()
    assert {"create", "update", "set", "end", "move", "tier", "record", "exception", "sweep"} <= moves
    assert CategoryReach.objects.filter(vendors__gt=0).exists()
    assert ComplianceCount.objects.filter(status=RequirementStatus.MET, statuses__gt=0).exists()
    # The summaries agree with a recomputation row for row, not only in the figures shown.
    out = StringIO()
    call_command("rebuild_aggregates", stdout=out)
    assert "Nothing to repair." in out.getvalue()


def test_a_flow_ending_later_leaves_the_figures_on_its_end_day_without_any_write(world, reviewer):
    _rng, categories, vendors, systems = world
    email = categories[0]
    flow = flows.flow_create(
        actor=reviewer,
        code="sdk",
        system=systems[0],
        service=vendors[0].services.get(),
        mechanism=Mechanism.CLIENT_SIDE_SDK,
        purpose="Analytics",
        categories=[CategoryAnswer(email, Sharing.SHARED)],
    )
    flows.flow_end(flow=flow, actor=reviewer, ends_on=TODAY + datetime.timedelta(days=2))
    assert dashboard()["top_received_categories"] == [{"code": email.code, "name": email.name, "vendors": 1}]
    assert dashboard()["client_side_vendors_with_personal_data_total"] == 1
    # Two days on, nobody has written anything: the summary is past its stale_on and is read live instead.
    later = TODAY + datetime.timedelta(days=2)
    from apps.dashboard import selectors

    stale = selectors.stale_summaries(today=later)
    assert list(stale) == [vendors[0].pk]
    assert selectors.top_received_categories(today=later, stale=stale) == []
    assert selectors.client_side_vendors_with_personal_data(today=later, stale=stale) == ([], 0)
    assert selectors.vendors_by_mechanism(stale=stale) == {}


def test_rebuild_aggregates_repairs_a_corrupted_summary_and_says_what_it_changed(world, reviewer):
    _rng, categories, vendors, systems = world
    email, phone = categories[0], categories[1]
    for vendor in vendors[:3]:
        flows.flow_create(
            actor=reviewer,
            code=f"to-{vendor.slug}",
            system=systems[0],
            service=vendor.services.get(),
            mechanism=Mechanism.CLIENT_SIDE_SDK,
            purpose="Analytics",
            categories=[CategoryAnswer(email, Sharing.SHARED)],
        )
    before = dashboard()
    # Corrupt it as drift would: a wrong counter, a vendor's row lost, another's contents wrong, a stray row.
    CategoryReach.objects.filter(category=email).update(vendors=40)
    MechanismReach.objects.filter(mechanism=Mechanism.CLIENT_SIDE_SDK).update(vendors=0)
    VendorSummary.objects.filter(vendor=vendors[0]).delete()
    VendorSummary.objects.filter(vendor=vendors[1]).update(received_category_ids=[phone.pk], client_side_personal=False)
    VendorSummary.objects.create(vendor=vendors[5], received_category_ids=[phone.pk])
    CategoryReach.objects.create(category=phone, vendors=2)
    assert dashboard()["top_received_categories"] != before["top_received_categories"]

    out = StringIO()
    call_command("rebuild_aggregates", stdout=out)
    said = out.getvalue()
    assert "1 created, 1 fixed, 1 removed" in said
    assert "counts fixed: 3" in said
    assert dashboard() == before
    assert_figures_match_the_register()

    again = StringIO()
    call_command("rebuild_aggregates", stdout=again)
    assert "Nothing to repair." in again.getvalue()


def test_a_category_becoming_personal_data_moves_the_client_side_figure(world, reviewer):
    _rng, categories, vendors, systems = world
    telemetry = categories[4]
    flows.flow_create(
        actor=reviewer,
        code="pixel",
        system=systems[0],
        service=vendors[2].services.get(),
        mechanism=Mechanism.CLIENT_SIDE_SDK,
        purpose="Analytics",
        categories=[CategoryAnswer(telemetry, Sharing.SHARED)],
    )
    assert dashboard()["client_side_vendors_with_personal_data_total"] == 0
    flows.category_update(category=telemetry, actor=reviewer, is_personal_data=True)
    assert [row["slug"] for row in dashboard()["client_side_vendors_with_personal_data"]] == [vendors[2].slug]
    flows.category_update(category=telemetry, actor=reviewer, sensitivity=4)
    assert dashboard()["concentration"] == raw_concentration()
    assert_figures_match_the_register()


def test_the_demo_leaves_nothing_for_rebuild_aggregates_to_repair(demo_data):
    """The demo loads fixtures and ends Mixpanel's flows without the flow services; its summaries must agree."""
    from apps.reviews.demo import VENDOR

    mixpanel = VendorSummary.objects.filter(vendor__slug=VENDOR).first()  # no row: a vendor receiving nothing
    assert mixpanel is None or not mixpanel.received_category_ids  # offboarded: its flows ended
    report = summaries_rebuild()
    assert report.changed == 0


def test_rebuild_aggregates_repairs_drifted_compliance_counts(world, reviewer):
    _rng, _categories, vendors, _systems = world
    for vendor in vendors[:3]:
        vendor_tier_override(vendor=vendor, tier=1, reason="Critical supplier", actor=reviewer)
    before = dashboard()["requirement_compliance_by_tier"]
    assert before == raw_compliance_by_tier() and before["1"]["not_met"] > 0
    # Drift as a raw write would leave it: a vendor's counts lost, another's wrong, a tier counter off.
    VendorCompliance.objects.filter(vendor=vendors[0]).delete()
    VendorCompliance.objects.filter(vendor=vendors[1]).update(met=5)
    ComplianceCount.objects.filter(tier=1, status=RequirementStatus.NOT_MET).update(statuses=99)
    assert dashboard()["requirement_compliance_by_tier"] != before

    out = StringIO()
    call_command("rebuild_aggregates", stdout=out)
    assert "Requirement compliance: 2 vendor counts fixed, 1 tier counts fixed." in out.getvalue()
    assert dashboard()["requirement_compliance_by_tier"] == before
    again = StringIO()
    call_command("rebuild_aggregates", stdout=again)
    assert "Nothing to repair." in again.getvalue()
