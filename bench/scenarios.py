"""The benchmark rows: each API row is paired with the raw SQL that fetches the same rows, in the same run."""

import json
import os
import platform
import subprocess
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from apps.accounts.roles import PROCUREMENT, SECURITY_REVIEWER
from apps.core.demo import fixture_files
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory
from apps.demo.portfolio import generate_portfolio, peak_rss_mb
from apps.incidents.models import Incident
from apps.reports.builders import build_dataflow_report, build_incident_report
from apps.reports.renderers import render
from apps.risk.models import SecurityRequirement
from apps.risk.services import baseline_tighten, tiers_recompute_all, tightening_fan_out
from apps.vendors.models import Vendor
from bench import pages, sql
from bench.harness import measure, not_built

# active=true: running flows only, as the raw SQL it is compared with (the API counts ended flows by default).
BLAST_QUERY = "data_category=email-address&mechanism=client_side_sdk&active=true"
SUBTREE = "contact"


def routed(path):
    """Whether a path reaches a real view (not the admin's catch-all)."""
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return False
    return match.url_name != "catch_all"


def first_routed(*paths):
    return next((path for path in paths if routed(path)), None)


class Bench:
    def __init__(self, *, out, repeat):
        self.out = out
        self.repeat = repeat
        self.client = Client()

    # ---- set-up ------------------------------------------------------------------------------------------------
    def prepare(self, *, vendors, systems, flows_per_vendor):
        self.out(self.machine())
        if not Vendor.objects.exists():
            for path in fixture_files():
                if path.name.startswith("0"):  # reference data only: the catalogue, requirements and baselines
                    call_command("loaddata", str(path), verbosity=0)
            self.out(f"Empty register: generating {vendors:,} vendors (seed 1)…")
            result = generate_portfolio(
                vendors=vendors, systems=systems, flows_per_vendor=flows_per_vendor, seed=1, progress=self.out
            )
            self.out(f"Generated in {result['seconds']} s, peak RSS {result['peak_rss_mb']} MB: {json.dumps(result)}")
        self.out(
            f"Register: {Vendor.objects.count():,} vendors, {DataFlow.objects.count():,} flows, "
            f"{DataFlowCategory.objects.count():,} flow-category rows"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh statistics and visibility maps, as autovacuum gives a live database: without the visibility
                # map a just-loaded table answers COUNT(*) from every heap page instead of its index alone.
                cursor.execute("VACUUM ANALYZE")
        user, _ = get_user_model().objects.get_or_create(username="bench-reviewer", defaults={"is_staff": True})
        user.groups.add(Group.objects.get(name=SECURITY_REVIEWER))
        self.user = user
        self.client.force_login(user)
        self._verify_otp(user)
        self.vendors = Vendor.objects.count()
        self.heavy_vendor = self._heavy_vendor()
        self.incident = Incident.objects.annotate(n=Count("exposures")).order_by("-n", "pk").first()
        self.out(
            f"Report vendor: {self.heavy_vendor.slug} ({self.heavy_vendor.flow_count} flows); "
            f"incident: {self.incident.slug if self.incident else 'none'}"
        )

    def _verify_otp(self, user):
        """The admin asks for a verified TOTP device: mark the session verified, as a real login would."""
        try:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice
        except ImportError:
            return
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session = self.client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    @staticmethod
    def machine():
        cores = os.cpu_count()
        with open("/proc/meminfo") as meminfo:
            total_kb = int(meminfo.readline().split()[1])
        database = connection.vendor
        if database == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                database += " " + cursor.fetchone()[0]
        load = os.getloadavg()[0]
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        return (
            f"Machine: {cores} cores, {total_kb / 1024 / 1024:.1f} GB RAM, load {load:.1f}, {platform.platform()}, "
            f"Python {platform.python_version()}, {database}, commit {commit}"
        )

    @staticmethod
    def _heavy_vendor():
        """The vendor whose flow count is nearest 200 (vendor 0 of a generated portfolio has exactly 200)."""
        counted = Vendor.objects.annotate(flow_count=Count("flows"))
        exact = counted.filter(flow_count=200).order_by("pk").first()
        return exact or counted.order_by("-flow_count", "pk").first()

    # ---- helpers -----------------------------------------------------------------------------------------------
    def get_json(self, path):
        def action():
            response = self.client.get(path, HTTP_ACCEPT="application/json")
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
            return response

        return action

    def api_row(self, name, path, sql_row, *, page=100):
        row = measure(name, self.get_json(path), repeat=self.repeat, check=self._check_page(page))
        row.ratio = row.median_ms / sql_row.median_ms if sql_row.median_ms else None
        return row

    @staticmethod
    def _check_page(page):
        def check(response):
            body = response.json()
            results = body.get("results", body) if isinstance(body, dict) else body
            if not results:
                raise RuntimeError("the page is empty: the benchmark would time nothing")
            if page and len(results) != page:
                raise RuntimeError(f"asked for {page} rows, got {len(results)}")

        return check

    def rolled_back(self, action):
        def run():
            with transaction.atomic():
                action()
                transaction.set_rollback(True)

        return run

    # ---- rows --------------------------------------------------------------------------------------------------
    def run_all(self):
        rows = []
        sections = (
            self.vendor_list,
            self.flow_list,
            self.incident_list,
            self.dashboard,
            self.reports,
            self.admin,
            self.workspace,
            self.writes,
            self.monitoring,
        )
        # BENCH_SECTIONS=vendor_list,admin times only those sections (a quick before/after of one area).
        wanted = {name.strip() for name in os.environ.get("BENCH_SECTIONS", "").split(",") if name.strip()}
        for section in sections:
            if wanted and section.__name__ not in wanted:
                continue
            self.out(f"… {section.__name__}")
            rows.extend(section())
        return rows

    def vendor_list(self):
        sql_page = measure("SQL vendor page (100)", sql.vendor_page, repeat=self.repeat)
        sql_blast = measure("SQL blast radius (email subtree, SDK)", sql.blast_radius, repeat=self.repeat)
        rows = [sql_page, sql_blast, *self.orm_blast_radius()]
        path = first_routed("/api/v1/vendors/")
        if not path:
            return [*rows, not_built("API vendor list (100)", "/api/v1/vendors/"), not_built("API blast radius", "")]
        rows.append(self.api_row("API vendor list (100)", f"{path}?page_size=100", sql_page))
        blast_rows = len(sql.blast_radius())
        rows.append(
            self.api_row("API blast radius (100)", f"{path}?page_size=100&{BLAST_QUERY}", sql_blast, page=blast_rows)
        )
        return rows

    def orm_blast_radius(self):
        """Two ORM spellings of the blast radius: a JOIN with DISTINCT (what filters often produce) and EXISTS."""
        shared_in_subtree = DataFlowCategory.objects.filter(
            flow__vendor=OuterRef("pk"),
            flow__mechanism="client_side_sdk",
            sharing="shared",
            category__path__startswith="contact/email-address/",
        )
        shared_in_subtree_by_id = DataFlowCategory.objects.filter(
            flow__vendor=OuterRef("pk"), flow__mechanism="client_side_sdk", sharing="shared"
        )
        exists = Vendor.objects.filter(Exists(shared_in_subtree)).order_by("display_name", "pk")
        joined = (
            Vendor.objects.filter(
                flows__mechanism="client_side_sdk",
                flows__flow_categories__sharing="shared",
                flows__flow_categories__category__path__startswith="contact/email-address/",
            )
            .distinct()
            .order_by("display_name", "pk")
        )

        def ids_first():
            # The proposal: resolve the subtree in the ~40-row catalogue, then join on literal ids.
            ids = list(
                DataCategory.objects.filter(path__startswith="contact/email-address/").values_list("pk", flat=True)
            )
            rows = shared_in_subtree_by_id.filter(category_id__in=ids)
            return list(Vendor.objects.filter(Exists(rows)).order_by("display_name", "pk")[:100])

        return [
            measure("ORM blast radius, EXISTS, ids first (100)", ids_first, repeat=self.repeat),
            measure("ORM blast radius, EXISTS (100)", lambda: list(exists[:100]), repeat=self.repeat),
            measure("ORM blast radius, JOIN+DISTINCT (100)", lambda: list(joined[:100]), repeat=self.repeat),
            # What the paginator adds: an exact COUNT(*) walks every match; a capped one stops at 1,001.
            measure("ORM blast radius COUNT(*)", exists.count, repeat=self.repeat),
            measure("ORM blast radius COUNT capped at 1,001", lambda: exists[:1001].count(), repeat=self.repeat),
        ]

    def flow_list(self):
        sql_row = measure(f"SQL flows in {SUBTREE}/ subtree (100)", sql.flows_in_subtree, repeat=self.repeat)
        ids = list(DataCategory.objects.filter(path__startswith=f"{SUBTREE}/").values_list("pk", flat=True))
        in_subtree = DataFlow.objects.filter(
            Exists(DataFlowCategory.objects.filter(flow=OuterRef("pk"), sharing="shared", category_id__in=ids))
        ).select_related("system", "vendor")
        orm_rows = [
            measure(
                f"ORM flows in {SUBTREE}/, Meta ordering (100)", lambda: list(in_subtree[:100]), repeat=self.repeat
            ),
            measure(
                f"ORM flows in {SUBTREE}/, ordered by code (100)",
                lambda: list(in_subtree.order_by("code")[:100]),
                repeat=self.repeat,
            ),
            measure(f"ORM COUNT(*) flows in {SUBTREE}/", in_subtree.count, repeat=self.repeat),
        ]
        path = first_routed("/api/v1/data-flows/", "/api/v1/dataflows/", "/api/v1/flows/")
        if not path:
            return [sql_row, *orm_rows, not_built(f"API flows in {SUBTREE}/ subtree (100)", "/api/v1/data-flows/")]
        api = self.api_row(
            f"API flows in {SUBTREE}/ subtree (100)", f"{path}?page_size=100&data_category={SUBTREE}", sql_row
        )
        return [sql_row, *orm_rows, api]

    def incident_list(self):
        rows = min(100, Incident.objects.count())
        sql_row = measure(f"SQL incident page ({rows})", lambda: sql.incident_page(rows), repeat=self.repeat)
        path = first_routed("/api/v1/incidents/")
        name = f"API incident list ({rows})"
        if not path or not rows:
            return [sql_row, not_built(name, "/api/v1/incidents/ (or no incident in the register)")]
        return [sql_row, self.api_row(name, f"{path}?page_size={rows}", sql_row, page=rows)]

    def dashboard(self):
        sql_row = measure("SQL dashboard aggregates", sql.dashboard, repeat=self.repeat)
        path = first_routed("/api/v1/dashboard/", "/api/v1/dashboard/summary/", "/api/v1/stats/", "/dashboard/")
        if not path:
            return [sql_row, not_built("API dashboard", "/api/v1/dashboard/")]
        row = measure("API dashboard", self.get_json(path), repeat=self.repeat)
        row.ratio = row.median_ms / sql_row.median_ms
        if not routed("/vendors/"):
            return [sql_row, row, not_built("workspace dashboard page", "apps.workspace")]
        # The HTML page at / draws the same figures (and the workspace's own) as SVG: its query count must not
        # grow between BENCH_SCALE=small and full.
        page = measure("workspace dashboard page", self._get_any("/"), repeat=self.repeat)
        page.ratio = page.median_ms / sql_row.median_ms
        page.note = f"figures cached {settings.DASHBOARD_CACHE_SECONDS} s"
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            fresh = measure("uncached workspace dashboard page", self._get_any("/"), repeat=self.repeat)
        fresh.ratio = fresh.median_ms / sql_row.median_ms
        return [sql_row, row, page, fresh]

    def reports(self):
        vendor, incident = self.heavy_vendor, self.incident
        label = f"{vendor.flow_count} flows"
        rows = [measure(f"SQL vendor report rows ({label})", lambda: sql.vendor_report(vendor.pk), repeat=self.repeat)]
        for fmt in ("json", "html"):
            name = f"vendor report {fmt} ({label})"
            path = first_routed(
                f"/api/v1/vendors/{vendor.slug}/report/",
                f"/api/v1/reports/vendors/{vendor.slug}/",
                f"/api/v1/vendors/{vendor.pk}/report/",
            )
            if path:
                rows.append(measure(f"API {name}", self._get_any(f"{path}?format={fmt}"), repeat=self.repeat))
            else:
                rows.append(
                    measure(
                        f"builder {name}",
                        lambda f=fmt: render(build_dataflow_report(vendor=vendor), f),
                        repeat=self.repeat,
                    )
                )
        rows[1].ratio = rows[1].median_ms / rows[0].median_ms if rows[1].median_ms else None
        if rows[1].name.startswith("API"):
            from bench import big_report

            rows += big_report.rows(self.client, repeat=max(3, self.repeat // 4))
        if incident is None:
            return [*rows, not_built("incident report", "no incident in the register")]
        rows.append(measure("SQL incident report rows", lambda: sql.incident_report(incident.pk), repeat=self.repeat))
        path = first_routed(f"/api/v1/incidents/{incident.pk}/report/")
        if path:
            rows.append(measure("API incident report json", self._get_any(f"{path}?format=json"), repeat=self.repeat))
        else:
            rows.append(
                measure(
                    "builder incident report json",
                    lambda: render(build_incident_report(incident=incident), "json"),
                    repeat=self.repeat,
                )
            )
        return rows

    def _get_any(self, path):
        def action():
            response = self.client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            if response.streaming:
                # The test client does not read a streamed body: without this the row timed the report's first
                # queries, not the flows written out, which is what the reader waits for.
                b"".join(response.streaming_content)
            return response

        return action

    def admin(self):
        if not admin.site.is_registered(Vendor):
            return [not_built("admin vendor changelist", "apps.vendors.admin")]
        return pages.admin_rows(self.client, repeat=self.repeat)

    def workspace(self):
        if not routed("/vendors/"):
            return [not_built("workspace vendor list", "apps.workspace")]
        rows = pages.workspace_rows(self.client, repeat=self.repeat, vendor=self.heavy_vendor, incident=self.incident)
        rows.append(
            self._as_buyer(lambda client: pages.intake_form_row(client, repeat=self.repeat, vendors=self.vendors))
        )
        return rows

    def _as_buyer(self, action):
        """The intake form is procurement's page: a second client signed in as a buyer."""
        user, _ = get_user_model().objects.get_or_create(username="bench-buyer")
        user.groups.add(Group.objects.get(name=PROCUREMENT))
        client = Client()
        client.force_login(user)
        return action(client)

    def writes(self):
        rows = []
        count = Vendor.objects.count()
        rows.append(
            measure(f"tier recomputation, {count:,} vendors", self.rolled_back(tiers_recompute_all), repeat=1, warmup=0)
        )
        rows.append(self.fanout_sql())
        rows.append(self.fanout_service())
        rows.extend(self.checks_nothing_new())
        return rows

    def checks_nothing_new(self):
        """The scheduled checks when everything due was announced: the warm-up run emits (rolled back at the end,
        so no email leaves), the measured runs find nothing new."""
        from apps.watch.services import contracts_check, evidence_check, reviews_check

        rows = []
        with transaction.atomic():
            for check in (reviews_check, evidence_check, contracts_check):
                rows.append(measure(f"{check.__name__}, nothing new", check, repeat=3))
            transaction.set_rollback(True)
        return rows

    def monitoring(self):
        """Concentration figures on the portfolio, its vendors given subprocessors (rolled back afterwards)."""
        from bench import monitoring

        measured = []
        with transaction.atomic():
            monitoring.fill(vendors=Vendor.objects.count())
            measured = monitoring.rows(repeat=self.repeat)
            transaction.set_rollback(True)
        return measured

    def fanout_service(self):
        """The tightening fan-out as the app runs it: a new requirement for every vendor receiving contact data."""
        counts = {}

        def action():
            requirement = SecurityRequirement.objects.create(code="bench-fanout", title="Bench fan-out")
            scope = {"data_categories": ["contact"]}
            tightening = baseline_tighten(requirement=requirement, actor=self.user, scope=scope)
            counts.update(tightening_fan_out(tightening_id=tightening.pk))

        row = measure("baseline fan-out (tightening)", self.rolled_back(action), repeat=2)
        row.note = f"{counts.get('statuses_created', 0):,} statuses for {counts.get('vendors_in_scope', 0):,} vendors"
        return row

    def fanout_sql(self):
        """Set-based floor for the fan-out: one statement inserts the new requirement for every tier-2 vendor."""

        def action():
            requirement = SecurityRequirement.objects.create(code="bench-tightening", title="Bench tightening")
            created = sql.fanout_insert(
                requirement_id=requirement.pk, tier=2, due_on=timezone.localdate() + timedelta(days=90)
            )
            if not created:
                raise RuntimeError("the fan-out created nothing")

        row = measure("SQL fan-out INSERT…SELECT (tier 2)", self.rolled_back(action), repeat=3)
        row.note = f"peak RSS of the bench {peak_rss_mb():.0f} MB"
        return row
