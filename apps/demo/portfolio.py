"""A synthetic vendor portfolio for scale tests and benchmarks (`manage.py generate_portfolio`).

Deterministic per seed: each vendor draws from its own `Random(f"{seed}:{index}")`, so the register it writes
does not depend on the batch size. Rows are written one chunk of vendors at a time (PostgreSQL COPY, or bulk_create
on other databases: apps.demo.row_writers), so memory stays flat whatever the portfolio size. Both bypass save()
and signals: DataFlow.vendor is set here, and simple-history records no history rows for generated data (the
audit trail starts after generation).

No rule is copied here: the catalogue is the shared fixture read back from the database, category paths come
from apps.datamap.services.category_paths_rebuild, and each vendor's tier from apps.risk.tiering.compute_tier fed
by apps.risk.selectors.tier_inputs_for_vendors over the rows just inserted (once per chunk).
"""

import random
import resource
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, reset_queries, transaction

from apps.accounts.roles import SECURITY_REVIEWER
from apps.dashboard.services import summaries_refresh
from apps.datamap.choices import Mechanism, Sensitivity, Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System
from apps.datamap.services import category_paths_rebuild
from apps.demo.row_writers import writer_for
from apps.incidents.choices import ExposureStatus, IncidentStatus, Reliability, Severity, SourceKind
from apps.incidents.models import Incident, IncidentExposure, IncidentSource, TimelineEvent
from apps.reviews.choices import ReviewKind, ReviewState
from apps.reviews.models import Review, ReviewTransition
from apps.risk.choices import RequirementStatus
from apps.risk.compliance import compliance_refresh
from apps.risk.models import Baseline, VendorRequirement
from apps.risk.selectors import tier_inputs_for_vendors
from apps.risk.tiering import TierInputs, compute_tier
from apps.vendors.choices import Criticality, DocumentKind, VendorCategory, VendorStatus
from apps.vendors.models import Contract, Document, Vendor, VendorService

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
CATALOGUE_FIXTURE = FIXTURES_DIR / "010_data_categories.json"
REQUIREMENTS_FIXTURE = FIXTURES_DIR / "020_requirements_and_baselines.json"

WORDS_A = [
    "Blue",
    "Bright",
    "Clear",
    "Swift",
    "Nova",
    "Iron",
    "Quiet",
    "Solid",
    "Prime",
    "Open",
    "Silver",
    "North",
    "Red",
    "Green",
    "Cloud",
    "Deep",
]
WORDS_B = [
    "Metrics",
    "Signal",
    "Ledger",
    "Harbor",
    "Relay",
    "Beacon",
    "Forge",
    "Pulse",
    "Vault",
    "Stack",
    "Orbit",
    "Bridge",
    "Desk",
    "Mail",
]
SUFFIXES = ["Inc.", "Ltd", "GmbH", "SAS", "B.V.", "LLC", "AB", "S.L."]
COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "IE", "NL", "SE", "ES", "IN", "CA", "JP", "AU"]
STATUS_WEIGHTS = {
    VendorStatus.ACTIVE: 70,
    VendorStatus.ONBOARDING: 8,
    VendorStatus.PROPOSED: 5,
    VendorStatus.UNDER_REVIEW: 7,
    VendorStatus.OFFBOARDING: 4,
    VendorStatus.TERMINATED: 6,
}
# Client-side SDKs are mostly analytics and marketing; the rest talk server to server.
SDK_VENDOR_SHARE = {VendorCategory.ANALYTICS: 0.8, VendorCategory.MARKETING: 0.6, VendorCategory.SUPPORT: 0.3}
OTHER_MECHANISMS = [m for m in Mechanism.values if m != Mechanism.CLIENT_SIDE_SDK]
# Skewed towards the upper end so that 100,000 flows carry about 1,000,000 category rows.
CATEGORIES_PER_FLOW = list(range(3, 13))
CATEGORIES_PER_FLOW_WEIGHTS = [1, 1, 1, 2, 3, 4, 6, 8, 10, 14]
SENSITIVE_VENDOR_SHARE = {VendorCategory.HR: 0.6, VendorCategory.SECURITY: 0.4, VendorCategory.PAYMENTS: 0.2}
REVIEW_PATHS = {
    ReviewState.DRAFT: [],
    ReviewState.SUBMITTED: [ReviewState.SUBMITTED],
    ReviewState.IN_REVIEW: [ReviewState.SUBMITTED, ReviewState.IN_REVIEW],
    ReviewState.APPROVED: [ReviewState.SUBMITTED, ReviewState.IN_REVIEW, ReviewState.APPROVED],
    ReviewState.APPROVED_WITH_CONDITIONS: [
        ReviewState.SUBMITTED,
        ReviewState.IN_REVIEW,
        ReviewState.APPROVED_WITH_CONDITIONS,
    ],
    ReviewState.REJECTED: [ReviewState.SUBMITTED, ReviewState.IN_REVIEW, ReviewState.REJECTED],
}
TODAY = date(2026, 1, 1)  # a fixed "today" keeps dates deterministic per seed
# Tiers are computed as of a day when every generated flow runs: terminated vendors' flows end 10 days before
# TODAY, and a terminated vendor keeps the tier it had while it held our data (as apps.risk.services does).
TIERED_ON = TODAY - timedelta(days=11)


class RegisterNotEmpty(Exception):
    """Raised when the register already holds vendors and the caller did not ask to append."""


@dataclass
class Counts:
    vendors: int = 0
    services: int = 0
    flows: int = 0
    flow_categories: int = 0
    contracts: int = 0
    documents: int = 0
    requirement_statuses: int = 0
    reviews: int = 0
    review_transitions: int = 0
    incidents: int = 0
    exposures: int = 0
    extra: dict = field(default_factory=dict)

    def as_dict(self):
        data = {k: v for k, v in self.__dict__.items() if k != "extra"}
        return {**data, **self.extra}


@dataclass
class Catalogue:
    leaves: list  # [(id, code, sensitivity, is_secret_or_special)]
    baseline_by_tier: dict  # tier -> (baseline id, [requirement ids])

    ordinary_leaves: list = field(init=False)
    sensitive_leaves: list = field(init=False)

    def __post_init__(self):
        self.ordinary_leaves = [leaf for leaf in self.leaves if not leaf[3]]
        self.sensitive_leaves = [leaf for leaf in self.leaves if leaf[3]] or self.ordinary_leaves


def peak_rss_mb():
    """Peak resident memory of this process in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def ensure_catalogue():
    """The data-category catalogue and the requirement baselines the portfolio refers to.

    Loads the shared fixtures (as setup_demo does) when the register has no categories or no current baseline,
    repairs the category paths with the real rule, then reads the leaves and baselines back from the database.
    """
    if not DataCategory.objects.exists():
        call_command("loaddata", str(CATALOGUE_FIXTURE), verbosity=0)
    category_paths_rebuild()  # loaddata saves raw, so paths may be empty
    if not Baseline.objects.current().exists():
        call_command("loaddata", str(REQUIREMENTS_FIXTURE), verbosity=0)
    leaves = [
        (c.pk, c.code, c.sensitivity, c.is_secret or c.is_special_category)
        for c in DataCategory.objects.filter(children__isnull=True).order_by("code")
    ]
    baseline_by_tier = {}
    for baseline in Baseline.objects.current().prefetch_related("requirements"):
        baseline_by_tier[baseline.tier] = (baseline.pk, sorted(r.pk for r in baseline.requirements.all()))
    return Catalogue(leaves=leaves, baseline_by_tier=baseline_by_tier)


def ensure_systems(count):
    """Our own systems; reused by slug so that --append adds flows to the same systems."""
    existing = dict(System.objects.filter(slug__startswith="syn-system-").values_list("slug", "pk"))
    missing = [
        System(slug=f"syn-system-{i:03d}", name=f"Synthetic system {i:03d}", url=f"system-{i:03d}.example.org")
        for i in range(count)
        if f"syn-system-{i:03d}" not in existing
    ]
    for system in System.objects.bulk_create(missing):
        existing[system.slug] = system.pk
    return [existing[f"syn-system-{i:03d}"] for i in range(count)]


def ensure_actors():
    """A requester and a reviewer for generated reviews (distinct: approvers never approve their own request)."""
    users = get_user_model().objects
    requester, _ = users.get_or_create(username="portfolio-requester", defaults={"email": "requester@example.com"})
    reviewer, created = users.get_or_create(
        username="portfolio-reviewer", defaults={"email": "reviewer@example.com", "is_staff": True}
    )
    if created and (group := Group.objects.filter(name=SECURITY_REVIEWER).first()):
        reviewer.groups.add(group)
    return requester.pk, reviewer.pk


def _at(day):
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


class _VendorPlan:
    """Everything one vendor will own, drawn from its own random stream (so batches do not change the result)."""

    def __init__(self, *, seed, index, flows, catalogue, systems):
        rng = random.Random(f"{seed}:{index}")
        self.rng = rng
        self.index = index
        name = f"{rng.choice(WORDS_A)} {rng.choice(WORDS_B)}"
        self.category = rng.choice(VendorCategory.values)
        self.status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        self.slug = f"s{seed}-v{index:05d}-{name.lower().replace(' ', '-')}"
        self.display_name = f"{name} {index:05d}"
        self.legal_name = f"{name} {rng.choice(SUFFIXES)}"
        self.country = rng.choice(COUNTRIES)
        # A vendor either ships a script in our pages (then about half its flows go that way) or never does.
        sdk_share = 0.5 if rng.random() < SDK_VENDOR_SHARE.get(self.category, 0.05) else 0.0
        # Secrets and special categories go to few vendors (payroll, health, identity…), not to every one.
        handles_sensitive = rng.random() < SENSITIVE_VENDOR_SHARE.get(self.category, 0.05)
        # Most vendors see only everyday identifiers; some also content, payment data or official IDs.
        everyday = [leaf for leaf in catalogue.ordinary_leaves if leaf[2] <= Sensitivity.MEDIUM]
        rarer = [leaf for leaf in catalogue.ordinary_leaves if leaf[2] > Sensitivity.MEDIUM]
        pool = everyday + (rng.sample(rarer, min(len(rarer), rng.randint(1, 3))) if rng.random() < 0.35 else [])
        volume = rng.choice([1_000, 10_000, 100_000, 1_000_000, 10_000_000])
        service_count = rng.randint(1, 3)
        self.services = [
            (f"service-{s}", f"{name} service {s}", rng.choice(Criticality.values), rng.random() < 0.04)
            for s in range(service_count)
        ]
        self.flows = []
        for number in range(flows):
            k = rng.choices(CATEGORIES_PER_FLOW, weights=CATEGORIES_PER_FLOW_WEIGHTS)[0]
            sensitive = handles_sensitive and rng.random() < 0.3
            picked = rng.sample(pool, min(k - sensitive, len(pool))) + (
                [rng.choice(catalogue.sensitive_leaves)] if sensitive else []
            )
            categories = [(leaf[0], Sharing.NOT_SHARED if rng.random() < 0.1 else Sharing.SHARED) for leaf in picked]
            mechanism = Mechanism.CLIENT_SIDE_SDK if rng.random() < sdk_share else rng.choice(OTHER_MECHANISMS)
            self.flows.append(
                {
                    "code": f"{self.slug}-f{number:03d}",
                    "service": rng.randrange(service_count),
                    "system": rng.choice(systems),
                    "mechanism": mechanism,
                    "records": volume * rng.choice([1, 2, 5]),
                    "starts_on": TODAY - timedelta(days=rng.randint(30, 2000)),
                    "categories": categories,
                }
            )
        self.tier = None  # computed from the rows once they are written (PortfolioWriter._compute_tiers)


class PortfolioWriter:
    """Writes vendors chunk by chunk; holds only the current chunk in memory."""

    def __init__(self, *, seed, systems, catalogue, actors, batch_size, counts, rows_writer):
        self.seed = seed
        self.systems = systems
        self.catalogue = catalogue
        self.requester_id, self.reviewer_id = actors
        self.batch_size = batch_size
        self.counts = counts
        self.rows_writer = rows_writer

    def _bulk(self, model, objs):
        return self.rows_writer.objects(model, objs)

    def write_chunk(self, plans):
        vendors = self._bulk(Vendor, [self._vendor(plan) for plan in plans])
        services = self._bulk(
            VendorService,
            [
                VendorService(
                    vendor=vendor, slug=slug, name=name, business_criticality=criticality, production_access=prod
                )
                for plan, vendor in zip(plans, vendors, strict=True)
                for slug, name, criticality, prod in plan.services
            ],
        )
        service_ids, offset = [], 0
        for plan in plans:
            service_ids.append([s.pk for s in services[offset : offset + len(plan.services)]])
            offset += len(plan.services)
        self.counts.vendors += len(vendors)
        self.counts.services += len(services)
        flow_ids = self._write_flows(plans, vendors, service_ids)
        self._compute_tiers(plans, vendors)
        self._write_paper(plans, vendors)
        self._write_reviews(plans, vendors)
        self._write_incidents(plans, vendors, flow_ids)
        # Bulk writes bypass the flow services: keep the dashboard's summary rows as they would, once per chunk.
        summaries_refresh(vendor_ids=[vendor.pk for vendor in vendors])
        # And the requirement statuses and tiers written in bulk: the compliance counts, as the risk services would.
        compliance_refresh(vendor_ids=[vendor.pk for vendor in vendors])

    def _vendor(self, plan):
        plan.overridden = plan.rng.random() < 0.01
        return Vendor(
            slug=plan.slug,
            legal_name=plan.legal_name,
            display_name=plan.display_name,
            website=f"https://{plan.slug}.example.com",
            domains=[f"{plan.slug}.example.com"],
            hq_country=plan.country,
            category=plan.category,
            status=plan.status,
            description=f"Synthetic {plan.category} vendor.",
        )

    def _compute_tiers(self, plans, vendors):
        """The real tier rule over the chunk's rows (three queries), then one bulk update of the vendors."""
        inputs = tier_inputs_for_vendors(vendor_ids=[vendor.pk for vendor in vendors], today=TIERED_ON)
        for plan, vendor in zip(plans, vendors, strict=True):
            vendor.computed_tier = compute_tier(inputs.get(vendor.pk, TierInputs())).tier
            if plan.overridden:  # about 1%: a reviewer judged the vendor one tier more critical
                vendor.tier_override = max(1, vendor.computed_tier - 1)
                vendor.tier_override_reason = "Board-level dependency (synthetic override)."
            vendor.tier = vendor.tier_override or vendor.computed_tier
            plan.tier = vendor.tier
        fields = ["computed_tier", "tier_override", "tier_override_reason", "tier"]
        self.rows_writer.update(Vendor, vendors, fields)

    def _write_flows(self, plans, vendors, service_ids):
        """The chunk's flows in one bulk insert, then their category rows; returns the flow ids per vendor."""
        flows = []
        for plan, vendor, services in zip(plans, vendors, service_ids, strict=True):
            ends_on = TODAY - timedelta(days=10) if plan.status == VendorStatus.TERMINATED else None
            flows.extend(
                DataFlow(
                    code=spec["code"],
                    system_id=spec["system"],
                    service_id=services[spec["service"]],
                    vendor=vendor,  # save() is bypassed: the denormalised vendor is set here
                    mechanism=spec["mechanism"],
                    purpose=f"{plan.category} for our {spec['mechanism'].replace('_', ' ')} integration",
                    data_subjects=["users", "organisations"] if spec["records"] > 10_000 else ["employees"],
                    processing_countries=[plan.country],
                    storage_countries=[plan.country],
                    estimated_records=spec["records"],
                    starts_on=spec["starts_on"],
                    ends_on=ends_on,
                )
                for spec in plan.flows
            )
        flows = self._bulk(DataFlow, flows)
        specs = [spec for plan in plans for spec in plan.flows]
        # ~10 rows per flow: plain tuples, not model instances (the one table where their cost shows).
        rows = [
            (flow.pk, category_id, sharing, "")
            for flow, spec in zip(flows, specs, strict=True)
            for category_id, sharing in spec["categories"]
        ]
        self.rows_writer.rows(DataFlowCategory, ("flow_id", "category_id", "sharing", "note"), rows)
        self.counts.flows += len(flows)
        self.counts.flow_categories += len(rows)
        flow_ids, offset = [], 0
        for plan in plans:
            flow_ids.append([f.pk for f in flows[offset : offset + len(plan.flows)]])
            offset += len(plan.flows)
        return flow_ids

    def _write_paper(self, plans, vendors):
        contracts, documents, statuses = [], [], []
        for plan, vendor in zip(plans, vendors, strict=True):
            rng = plan.rng
            starts = TODAY - timedelta(days=rng.randint(60, 2500))
            for number in range(1 if rng.random() < 0.8 else 2):
                contracts.append(
                    Contract(
                        vendor=vendor,
                        reference=f"msa-{number}" if number == 0 else f"order-{number}",
                        starts_on=starts,
                        ends_on=starts + timedelta(days=365 * rng.randint(1, 5)),
                        dpa_signed_on=starts if rng.random() < 0.85 else None,
                        breach_notification_hours=rng.choice([24, 48, 72, 72, 72, None]),
                        audit_rights=rng.random() < 0.4,
                        subprocessor_change_notice_days=rng.choice([None, 14, 30]),
                        termination_notice_days=rng.choice([30, 60, 90]),
                        annual_value=rng.randint(1, 500) * 1000,
                    )
                )
            for kind in rng.sample(DocumentKind.values, rng.randint(1, 4)):
                issued = TODAY - timedelta(days=rng.randint(10, 900))
                documents.append(
                    Document(
                        vendor=vendor,
                        kind=kind,
                        title=f"{kind.replace('_', ' ').title()} {issued.year}",
                        issued_on=issued,
                        expires_on=issued + timedelta(days=365),
                    )
                )
            _, requirement_ids = self.catalogue.baseline_by_tier.get(plan.tier, (None, []))
            for requirement_id in requirement_ids:
                status = rng.choices(RequirementStatus.values, weights=[20, 15, 60, 5])[0]
                statuses.append(
                    VendorRequirement(
                        vendor=vendor,
                        requirement_id=requirement_id,
                        status=status,
                        due_on=TODAY + timedelta(days=rng.randint(-60, 180)),
                        verified_on=TODAY - timedelta(days=rng.randint(1, 300)) if status == "met" else None,
                    )
                )
        self.counts.contracts += len(self._bulk(Contract, contracts))
        self.counts.documents += len(self._bulk(Document, documents))
        self.counts.requirement_statuses += len(self._bulk(VendorRequirement, statuses))

    def _write_reviews(self, plans, vendors):
        reviews, paths = [], []
        for plan, vendor in zip(plans, vendors, strict=True):
            rng = plan.rng
            baseline_id = self.catalogue.baseline_by_tier.get(plan.tier, (None, []))[0]
            for number in range(rng.randint(1, 3)):
                latest = number == 0
                state = (
                    rng.choice(ReviewState.values)
                    if latest
                    else rng.choice([ReviewState.APPROVED, ReviewState.APPROVED_WITH_CONDITIONS])
                )
                decided = state in (ReviewState.APPROVED, ReviewState.APPROVED_WITH_CONDITIONS, ReviewState.REJECTED)
                reviews.append(
                    Review(
                        vendor=vendor,
                        kind=ReviewKind.INTAKE if number == 2 else ReviewKind.PERIODIC,
                        state=state,
                        tier=plan.tier,
                        baseline_id=baseline_id,
                        requested_by_id=self.requester_id,
                        decided_by_id=self.reviewer_id if decided else None,
                        decided_at=_at(TODAY - timedelta(days=400 * number + 5)) if decided else None,
                        conditions="Fix findings within 90 days." if state == "approved_with_conditions" else "",
                        due_on=TODAY + timedelta(days=rng.randint(-30, 365)),
                    )
                )
                paths.append(REVIEW_PATHS[state])
        reviews = self._bulk(Review, reviews)
        transitions = []
        for review, path in zip(reviews, paths, strict=True):
            previous = ReviewState.DRAFT
            for state in path:
                actor = self.requester_id if state == ReviewState.SUBMITTED else self.reviewer_id
                transitions.append(
                    ReviewTransition(review=review, from_state=previous, to_state=state, actor_id=actor, note="")
                )
                previous = state
        self.counts.reviews += len(reviews)
        self.counts.review_transitions += len(self._bulk(ReviewTransition, transitions))

    def _write_incidents(self, plans, vendors, flow_ids):
        """About 2% of vendors (and always the first one, which benchmarks use) have an incident."""
        chosen = [
            (plan, vendor, flows)
            for plan, vendor, flows in zip(plans, vendors, flow_ids, strict=True)
            if flows and (plan.index == 0 or plan.rng.random() < 0.02)
        ]
        if not chosen:
            return
        incidents = []
        for plan, vendor, _ in chosen:
            detected = TODAY - timedelta(days=plan.rng.randint(5, 700))
            incidents.append(
                Incident(
                    slug=f"{plan.slug}-incident",
                    vendor=vendor,
                    title=f"Unauthorised access at {plan.display_name}",
                    severity=plan.rng.choice(Severity.values),
                    status=plan.rng.choice(IncidentStatus.values),
                    vendor_detected_at=_at(detected),
                    vendor_notified_at=_at(detected + timedelta(days=plan.rng.randint(0, 20))),
                    we_became_aware_at=_at(detected + timedelta(days=plan.rng.randint(0, 20))),
                    data_subjects=["users"],
                    breach_location="inside the vendor's systems",
                )
            )
        incidents = self._bulk(Incident, incidents)
        sources = self._bulk(
            IncidentSource,
            [
                IncidentSource(
                    incident=incident,
                    key="official-notice",
                    kind=SourceKind.OFFICIAL_NOTICE,
                    title="Vendor security notice",
                    reliability=Reliability.HIGH,
                )
                for incident in incidents
            ],
        )
        exposures, affected, events = [], [], []
        through = Incident.affected_flows.through
        for (plan, _, flows), incident, source in zip(chosen, incidents, sources, strict=True):
            shared = sorted({cid for spec in plan.flows for cid, sharing in spec["categories"] if sharing == "shared"})
            for category_id in plan.rng.sample(shared, min(len(shared), plan.rng.randint(3, 6))):
                status = plan.rng.choice([ExposureStatus.EXPOSED, ExposureStatus.SUSPECTED, ExposureStatus.UNKNOWN])
                exposures.append(
                    IncidentExposure(incident=incident, category_id=category_id, status=status, source=source)
                )
            for flow_id in plan.rng.sample(flows, min(len(flows), 5)):
                affected.append(through(incident_id=incident.pk, dataflow_id=flow_id))
            events.append(
                TimelineEvent(
                    key="detected",
                    incident=incident,
                    occurred_at=incident.vendor_detected_at,
                    kind="detected",
                    description="Vendor detected the breach.",
                    source=source,
                )
            )
        self._bulk(IncidentExposure, exposures)
        self._bulk(through, affected)
        self._bulk(TimelineEvent, events)
        self.counts.incidents += len(incidents)
        self.counts.exposures += len(exposures)


def _foreign_keys_checked_per_statement(immediate):
    """Check foreign keys as each COPY ends rather than all at commit (Django declares them INITIALLY DEFERRED).

    The same checks either way, but deferred ones queue an event per row in the server until commit: twenty
    million of them for the huge register. False restores Django's deferred mode for the rest of the transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS ALL {'IMMEDIATE' if immediate else 'DEFERRED'}")


def _refresh_statistics():
    """Planner statistics for the tables the per-chunk tier queries read, as they double in size.

    Without them (fresh rows, autovacuum cannot see an open transaction's rows) PostgreSQL keeps its empty-table
    estimates and scans every flow-category row for each chunk, so the generation time grows with the square of
    the register. ANALYZE inside the transaction samples its own uncommitted rows; doubling keeps it to ~log2(n).
    """
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Vendor, VendorService, DataFlow, DataFlowCategory)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(table) for table in tables)}")


def generate_portfolio(
    *,
    vendors: int,
    systems: int,
    flows_per_vendor: int,
    seed: int,
    heavy_vendor_flows: int = 200,
    batch_size: int = 5000,
    append: bool = False,
    use_copy: bool | None = None,
    progress=None,
) -> dict:
    """Write a synthetic portfolio in one transaction and return what was written, with time and peak memory.

    Vendor 0 gets `heavy_vendor_flows` flows (0: the usual number) and an incident, for the report benchmarks;
    the others get between half and one and a half times `flows_per_vendor`.
    Rows go in by PostgreSQL COPY on PostgreSQL (`use_copy=False` forces bulk_create; both write the same register).
    Raises RegisterNotEmpty when vendors exist and `append` is false, ValueError for bad sizes or a seed
    already generated in this register.
    """
    if vendors < 1 or systems < 1 or flows_per_vendor < 1 or batch_size < 1:
        raise ValueError("--vendors, --systems, --flows-per-vendor and --batch-size must be at least 1")
    existing = Vendor.objects.count()
    if existing and not append:
        raise RegisterNotEmpty(
            f"The register already holds {existing} vendors; generate_portfolio only fills an empty register. "
            "Pass --append to add a synthetic portfolio next to them."
        )
    if Vendor.objects.filter(slug__startswith=f"s{seed}-v").exists():
        raise ValueError(f"--seed {seed}: this register already holds the portfolio of this seed; pick another seed")
    started = time.monotonic()
    counts = Counts()
    with transaction.atomic():
        _foreign_keys_checked_per_statement(True)
        catalogue = ensure_catalogue()
        writer = PortfolioWriter(
            seed=seed,
            systems=ensure_systems(systems),
            catalogue=catalogue,
            actors=ensure_actors(),
            batch_size=batch_size,
            counts=counts,
            rows_writer=writer_for(batch_size=batch_size, use_copy=use_copy),
        )
        low, high = max(1, flows_per_vendor // 2), flows_per_vendor + flows_per_vendor // 2
        per_chunk = max(1, batch_size // flows_per_vendor)
        analyzed_at = 0
        for start in range(0, vendors, per_chunk):
            plans = []
            for index in range(start, min(vendors, start + per_chunk)):
                flow_count = random.Random(f"{seed}:{index}:flows").randint(low, high)
                if index == 0 and heavy_vendor_flows:
                    flow_count = heavy_vendor_flows
                plans.append(
                    _VendorPlan(seed=seed, index=index, flows=flow_count, catalogue=catalogue, systems=writer.systems)
                )
            writer.write_chunk(plans)
            del plans
            if counts.flow_categories >= 2 * analyzed_at:
                _refresh_statistics()
                analyzed_at = counts.flow_categories
            # With DEBUG on, every bulk INSERT (with its values) stays in the query log: drop it per chunk.
            reset_queries()
            if progress:
                progress(
                    f"  vendors {counts.vendors:>7,}/{vendors:,}  flows {counts.flows:>9,}  "
                    f"flow-categories {counts.flow_categories:>10,}  {time.monotonic() - started:6.1f} s  "
                    f"peak RSS {peak_rss_mb():.0f} MB"
                )
        _foreign_keys_checked_per_statement(False)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh bulk loads have no planner statistics until autovacuum passes: give them now.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts.extra = {
        "systems": systems,
        "writer": writer.rows_writer.name,
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    return counts.as_dict()
