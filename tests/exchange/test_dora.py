"""The DORA register of information: the package's layout, the demo passing, and each rule class caught."""

import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.core.demo import setup_demo
from apps.exchange.dora.package import read_package, write_package
from apps.exchange.dora.roi import build_roi
from apps.exchange.dora.validate import validate_roi
from apps.exchange.models import ArrangementDetails, ProviderIdentity
from apps.exchange.services import provider_identity_set
from apps.vendors.models import Vendor
from apps.vendors.services import subprocessor_add, vendor_create

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 12, 31)
TABLE = Path(settings.BASE_DIR) / "apps/exchange/dora/TEMPLATES.md"


def _documented_headers():
    """{template: [column codes]} from the table kept in the repository (its source is cited above it)."""
    rows = re.findall(r"^\| (B_\d\d\.\d\d) \| [^|]+ \| ([c0-9 ]+) \|$", TABLE.read_text(), re.MULTILINE)
    return {code: columns.split() for code, columns in rows}


@pytest.fixture
def demo(db):
    setup_demo()


def _findings():
    return validate_roi(build_roi(reference_date=DAY))


def test_every_template_is_headed_by_the_regulations_column_codes(demo):
    out = io.BytesIO()
    write_package(out, build_roi(reference_date=DAY), reference_date=DAY)
    documented = _documented_headers()
    assert len(documented) == 15
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        root = names[0].split("/")[0]
        assert re.fullmatch(r"[0-9A-Z]{20}\.CON_IE_DORA010100_DORA_2025-12-31_\d{17}", root)
        assert {f"{root}/META-INF/reportPackage.json", f"{root}/reports/report.json"} <= set(names)
        assert f"{root}/reports/parameters.csv" in names and f"{root}/reports/FilingIndicators.csv" in names
        for code, columns in documented.items():
            header = archive.read(f"{root}/reports/{code.lower()}.csv").decode().splitlines()[0]
            assert header.split(",") == columns, code
        assert "4.0/mod/dora.json" in archive.read(f"{root}/reports/report.json").decode()


def test_the_demo_register_validates_with_no_error(demo, tmp_path):
    out = io.StringIO()
    path = tmp_path / "roi.zip"
    call_command("export_dora_roi", "--reference-date", "2025-12-31", "--output", str(path), "--validate", stdout=out)
    assert "0 error(s)" in out.getvalue()
    tables = read_package(path.open("rb"))
    assert tables["B_02.02"][0]["c0060"] == "eba_TA:S19" and tables["B_02.02"][0]["c0150"] == "eba_GA:US"
    call_command("export_dora_roi", "--check", str(path), stdout=io.StringIO())


def _rules(findings):
    return {(f.template, f.column, f.rule) for f in findings}


def test_a_missing_provider_lei_is_named(demo):
    ProviderIdentity.objects.filter(vendor__slug="mixpanel").update(code="")
    assert ("B_05.01", "c0010", "mandatory") in _rules(_findings())


def test_wrong_lei_check_digits_are_named(demo):
    identity = ProviderIdentity.objects.get(vendor__slug="mixpanel")
    bad = identity.code[:-2] + ("00" if identity.code[-2:] != "00" else "01")
    ProviderIdentity.objects.filter(pk=identity.pk).update(code=bad)  # as if loaded raw, around the service's check
    findings = [f for f in _findings() if f.rule == "format"]
    assert ("B_05.01", "c0010", "format") in _rules(findings)
    assert any("check digits" in f.message for f in findings)


def test_the_service_refuses_wrong_check_digits_naming_the_field(demo, reviewer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        provider_identity_set(vendor=Vendor.objects.get(slug="mixpanel"), actor=reviewer, code="5299DEMOMIXPANEL0100")
    assert "code" in caught.value.message_dict


def test_a_function_not_in_b_06_01_is_named(demo):
    ArrangementDetails.objects.update(function_identifiers=["payments-processing"])
    findings = [f for f in _findings() if f.rule == "referential"]
    assert [(f.template, f.row, f.column) for f in findings] == [("B_02.02", 2, "c0050")]
    assert "payments-processing" in findings[0].message


def test_a_dangling_provider_is_named(demo, reviewer):
    ProviderIdentity.objects.filter(vendor__slug="mixpanel").delete()
    rules = _rules(_findings())
    for template, column in (("B_02.02", "c0030"), ("B_03.02", "c0020"), ("B_05.02", "c0030"), ("B_07.01", "c0020")):
        assert (template, column, "referential") in rules


def test_the_supply_chain_ranks_subprocessors_and_resolves(demo, reviewer):
    host = vendor_create(
        actor=reviewer,
        slug="hoster",
        legal_name="Hoster SE",
        display_name="Hoster",
        category="hosting",
        hq_country="DE",
    )
    subprocessor_add(vendor=Vendor.objects.get(slug="mixpanel"), subprocessor=host, actor=reviewer)
    tables = build_roi(reference_date=DAY)
    assert [(row["c0050"], row["c0060"]) for row in tables["B_05.02"]] == [
        ("1", ""),
        ("2", tables["B_02.02"][0]["c0030"]),
    ]
    # Without an identity the subprocessor is not in B_05.01: named, until its LEI is recorded.
    assert ("B_05.02", "c0030", "referential") in _rules(validate_roi(tables))
    provider_identity_set(vendor=host, actor=reviewer, code="529900T8BM49AURSDO55", code_type="eba_qCO:qx2000")
    assert _findings() == []


def test_formats_and_controlled_values_are_checked(demo):
    ArrangementDetails.objects.update(governing_law_country="XX", reliance="eba_ZZ:x1")
    rules = _rules(_findings())
    assert ("B_02.02", "c0120", "format") in rules and ("B_02.02", "c0180", "controlled") in rules


def test_validate_exits_non_zero_naming_the_finding(demo):
    ArrangementDetails.objects.update(function_identifiers=["payments-processing"])
    with pytest.raises(CommandError, match=r"B_02.02 row 2 c0050 \[referential\]"):
        call_command("export_dora_roi", "--reference-date", "2025-12-31", "--validate", stdout=io.StringIO())


def test_an_euid_provider_is_coded_qx2002_and_checked_as_an_euid(demo, reviewer):
    # The EBA list of possible values: qx2002 is EUID, qx2001 is "National code" (TEMPLATES.md).
    vendor = Vendor.objects.get(slug="mixpanel")
    provider_identity_set(vendor=vendor, actor=reviewer, code="DEK1101R.HRB116737", code_type="eba_qCO:qx2002")
    tables = build_roi(reference_date=DAY)
    row = next(r for r in tables["B_05.01"] if r["c0010"] == "DEK1101R.HRB116737")
    assert row["c0020"] == "eba_qCO:qx2002"
    assert _findings() == []
    ProviderIdentity.objects.filter(vendor=vendor).update(code="not an euid")
    assert ("B_05.01", "c0010", "format") in _rules(_findings())


def test_the_old_euid_member_is_refused_as_a_type_of_code(demo):
    tables = build_roi(reference_date=DAY)
    for row in tables["B_05.01"]:
        row["c0020"] = "eba_qCO:qx2001"
    assert ("B_05.01", "c0020", "controlled") in _rules(validate_roi(tables))


def test_b_99_01_is_one_definition_column_per_closed_list_member(demo):
    out = io.BytesIO()
    write_package(out, build_roi(reference_date=DAY), reference_date=DAY)
    with zipfile.ZipFile(out) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/b_99.01.csv"))
        header = archive.read(name).decode().splitlines()[0].split(",")
    assert header == [f"c{n:04d}" for n in range(10, 200, 10)]
    definitions = {f"c{n:04d}": "What we mean by it." for n in range(10, 200, 10)}
    assert validate_roi({**build_roi(reference_date=DAY), "B_99.01": [definitions]}) == []
