"""The data-flow report streams (issue 22): flows read a chunk of flows at a time, text sent in ~64 KB chunks, and
the text is byte for byte what json.dumps / the CSV writer made of the whole report before."""

import datetime
import json
from collections import OrderedDict

import pytest

from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory
from apps.reports import selectors
from apps.reports.builders import build_dataflow_report
from apps.reports.jsontext import CHUNK_SIZE, PLAIN_BATCH, Rows, Shared, json_pieces
from apps.reports.renderers import csv_lines, render, text_chunks
from tests.factories.datamap import DataCategoryFactory, DataFlowFactory, SystemFactory
from tests.factories.vendors import ContractFactory, SubprocessorFactory, VendorFactory, VendorServiceFactory

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
HOSTILE = '=HYPERLINK("http://x")\n<script>alert(1)</script> "quoted" \\ back\tslash \u2028 é 😀 \x1f'


def reference_json(report):
    """How the report's JSON was written before streaming: the standard library on the whole dict."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


@pytest.fixture
def varied_vendor(db):
    """Flows over two services and systems, hostile text, a flow with no category, two subprocessors: one
    supporting a single service, one supporting none (it may see everything)."""
    vendor = VendorFactory(display_name=HOSTILE, website="javascript:alert(1)")
    web, batch = VendorServiceFactory(vendor=vendor, name=HOSTILE), VendorServiceFactory(vendor=vendor)
    cats = [DataCategoryFactory(code=f"cat-{i}", name=f"{HOSTILE} {i}", path=f"p{9 - i}/") for i in range(6)]
    DataFlowFactory(service=batch, system=SystemFactory(name="B system"), shared=[cats[4], cats[1]])
    DataFlowFactory(
        service=web,
        system=SystemFactory(name="A system"),
        purpose=HOSTILE,
        data_subjects=[HOSTILE, "users"],
        processing_countries=["FR", "US"],
        estimated_records=12,
        starts_on=datetime.date(2025, 1, 2),
        shared=[cats[0], cats[3]],
        not_shared=[cats[5]],
    )
    DataFlowFactory(service=web, system=SystemFactory(name="C system"), shared=[cats[2], cats[4]])
    DataFlowFactory(service=batch, system=SystemFactory(name="A system"))  # no category at all
    SubprocessorFactory(vendor=vendor, purpose=HOSTILE).services.add(batch)
    SubprocessorFactory(vendor=vendor)
    ContractFactory(vendor=vendor)
    return vendor


def streamed(vendor, fmt, **options):
    return "".join(text_chunks(build_dataflow_report(vendor=vendor, now=NOW, stream=True, **options), fmt))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_streamed_json_is_byte_for_byte_the_whole_reports_json(varied_vendor, lang):
    whole = build_dataflow_report(vendor=varied_vendor, now=NOW, lang=lang)
    assert streamed(varied_vendor, "json", lang=lang) == reference_json(whole) == render(whole, "json")[0]
    assert json.loads(streamed(varied_vendor, "json", lang=lang)) == whole


def test_streamed_csv_is_the_whole_reports_csv_and_still_neutralises_formulas(varied_vendor):
    whole = build_dataflow_report(vendor=varied_vendor, now=NOW)
    text = streamed(varied_vendor, "csv")
    assert text == "".join(csv_lines(whole)) == render(whole, "csv")[0]
    assert "'=HYPERLINK" in text and '"=HYPERLINK' not in text


def test_flows_categories_and_subprocessors_keep_their_order(varied_vendor):
    report = build_dataflow_report(vendor=varied_vendor, now=NOW)
    flows = report["flows"]
    assert [f["system"]["name"] for f in flows] == ["A system", "A system", "B system", "C system"]
    # Within a flow, catalogue order (path, then code).
    catalogue = list(DataCategory.objects.order_by("path", "code").values_list("code", flat=True))
    with_categories = next(f for f in flows if f["purpose"] == HOSTILE)
    assert [c["code"] for c in with_categories["shared"]] == sorted(["cat-3", "cat-0"], key=catalogue.index)
    assert [c["code"] for c in with_categories["not_shared"]] == ["cat-5"]
    assert any(f["shared"] == [] and f["not_shared"] == [] for f in flows), "a flow without category is listed"

    # What the builder did before streaming: walk the relevant flows in order, first appearance wins.
    def expected(services):
        seen = OrderedDict()
        for flow in flows:
            if not services or flow["service"]["name"] in services:
                for category in flow["shared"]:
                    seen.setdefault(category["code"], category)
        return list(seen.values())

    by_purpose = {s["purpose"]: s for s in report["subprocessors"]}
    batch_only = by_purpose[HOSTILE]
    assert batch_only["categories"] == expected(set(batch_only["services"]))
    assert {c["code"] for c in batch_only["categories"]} == {"cat-4", "cat-1"}
    everything = next(s for s in report["subprocessors"] if not s["services"])
    assert everything["categories"] == expected(set())
    assert len(everything["categories"]) == 5 and everything["categories"] != sorted(
        everything["categories"], key=lambda c: c["code"]
    ), "order of first appearance in the flows, not alphabetical"
    latest = max([varied_vendor.updated_at, *DataFlow.objects.values_list("updated_at", flat=True)])
    assert report["provenance"]["register_as_of"] >= latest.isoformat()


def test_flows_read_a_few_at_a_time_come_in_the_same_order_across_chunk_boundaries(varied_vendor, monkeypatch):
    whole = streamed(varied_vendor, "json")
    # Two flows a chunk: the first boundary falls between two systems of the same name ("A system" twice).
    monkeypatch.setattr(selectors, "FLOW_ROWS_CHUNK", 2)
    assert streamed(varied_vendor, "json") == whole
    monkeypatch.setattr(selectors, "FLOW_ROWS_CHUNK", 1)
    assert streamed(varied_vendor, "csv") == render(build_dataflow_report(vendor=varied_vendor, now=NOW), "csv")[0]


def test_a_float_in_a_flows_json_list_is_written_as_json_dumps_writes_it(varied_vendor):
    # orjson would write 1e-07 as 1e-7: such a flow takes the standard encoder. (PostgreSQL keeps 1e-07 a float but
    # reads 1e16 back as an integer, so the float tested is the small one.)
    DataFlow.objects.filter(vendor=varied_vendor).update(data_subjects=[1e-07, 0.5, "users"])
    whole = build_dataflow_report(vendor=varied_vendor, now=NOW)
    text = streamed(varied_vendor, "json")
    assert text == reference_json(whole)
    assert '"data_subjects": [\n        1e-07,\n        0.5,' in text


def test_the_encoder_writes_what_json_dumps_writes():
    shared = Shared(code="a", name='é\n"', sensitivity=3, sensitivity_label=None)
    values = [
        {},
        [],
        {"a": [], "b": {}, "c": [[], [{}]], "d": None, "e": True, "f": False},
        {"float": [0.1, 1e-05, 1e16, -2.5, 3.0], "big": 2**70, "neg": -1},
        {"text": HOSTILE, HOSTILE: [HOSTILE]},
        {"shared twice at two depths": [shared, {"inner": [shared]}], "again": shared},
        {"tuple": (1, "x"), "nested": {"deeper": {"deepest": [1, [2, [3]]]}}},
        {1: "int key", None: "none key"},
        "top-level string",
        42,
    ]
    for value in values:
        assert "".join(json_pieces(value)) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_rows_written_in_batches_read_as_json_dumps_wrote_them_whatever_the_batch_holds():
    """Plain rows go to orjson a batch at a time: a batch with an item orjson refuses (an int beyond 64 bits), an
    item not vouched for between batches, and batches cut at every size still give json.dumps's text."""
    items = [{"n": i, "text": HOSTILE, "list": [i, {"deep": []}]} for i in range(PLAIN_BATCH * 2 + 3)]
    items[PLAIN_BATCH + 1]["n"] = 2**70
    items[5]["n"] = 0.5  # a float: not vouched for by `plain`, written by the standard encoder
    for count in (0, 1, PLAIN_BATCH - 1, PLAIN_BATCH, PLAIN_BATCH + 1, len(items)):
        value = {"rows": Rows(lambda c=count: iter(items[:c]), plain=lambda item: type(item["n"]) is not float)}
        assert "".join(json_pieces(value)) == json.dumps({"rows": items[:count]}, indent=2, ensure_ascii=False) + "\n"


def _vendor_with_flows(flows, categories=10):
    vendor = VendorFactory()
    service = VendorServiceFactory(vendor=vendor)
    SubprocessorFactory(vendor=vendor).services.add(service)
    catalogue = [DataCategoryFactory() for _ in range(categories)]
    system = SystemFactory()
    created = DataFlow.objects.bulk_create(
        DataFlow(code=f"{vendor.slug}-{i}", system=system, service=service, vendor=vendor, mechanism="server_api")
        for i in range(flows)
    )
    DataFlowCategory.objects.bulk_create(
        DataFlowCategory(flow=flow, category=category, sharing="shared" if i % 3 else "not_shared")
        for flow in created
        for i, category in enumerate(catalogue)
    )
    return vendor


def test_text_comes_in_chunks_of_about_64_kb_not_one_per_line(db):
    vendor = _vendor_with_flows(300)
    for fmt in ("json", "csv"):
        chunks = list(text_chunks(build_dataflow_report(vendor=vendor, now=NOW, stream=True), fmt))
        whole = "".join(chunks)
        assert whole == render(build_dataflow_report(vendor=vendor, now=NOW), fmt)[0]
        assert len(whole) > 2 * CHUNK_SIZE, "the test needs a report of several chunks"
        assert all(CHUNK_SIZE <= len(chunk) < CHUNK_SIZE + 8192 for chunk in chunks[:-1])
        assert len(chunks) <= len(whole) // CHUNK_SIZE + 1


def test_streamed_report_reads_the_same_number_of_queries_whatever_its_size(db, django_assert_max_num_queries):
    small, big = _vendor_with_flows(5, categories=3), _vendor_with_flows(120, categories=12)
    with django_assert_max_num_queries(12) as counted:
        "".join(text_chunks(build_dataflow_report(vendor=small, stream=True), "json"))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        text = "".join(text_chunks(build_dataflow_report(vendor=big, stream=True), "json"))
    assert len(json.loads(text)["flows"]) == 120


def test_a_streamed_report_reads_its_flows_only_when_written(db):
    vendor = _vendor_with_flows(3)
    report = build_dataflow_report(vendor=vendor, stream=True)
    chunks = text_chunks(report, "csv")
    DataFlowFactory(service=vendor.services.first())  # a flow added after the build, before the download
    assert "".join(chunks).count("\n") == 1 + 3 * 10 + 0  # the new flow has no category row: no CSV row
    assert len(json.loads("".join(text_chunks(report, "json")))["flows"]) == 4
