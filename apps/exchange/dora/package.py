"""The xBRL-CSV report package of the register of information, as the EBA filing rules lay it out.

<LEI>.CON_<country>_DORA010100_DORA_<reference date>_<timestamp>/
    META-INF/reportPackage.json     the package's type
    reports/report.json             the xBRL-CSV report: it extends the EBA 4.0 DORA module (templates.MODULE_URL)
    reports/parameters.csv          entityID (rs:<LEI>.CON), refPeriod, baseCurrency, decimals
    reports/FilingIndicators.csv    each template and whether it is reported
    reports/b_01.01.csv …           one CSV per template, headed by its column codes
"""

import csv
import datetime
import io
import json
import zipfile

from django.utils import timezone

from .templates import MODULE_URL, TEMPLATES


def package_name(tables, reference_date, *, at=None):
    holder = (tables.get("B_01.01") or [{}])[0]
    lei = holder.get("c0010") or "NOLEI"
    country = (holder.get("c0030") or "eba_GA:XX").split(":")[-1]
    stamp = (at or timezone.now()).strftime("%Y%m%d%H%M%S%f")[:17]
    return f"{lei}.CON_{country}_DORA010100_DORA_{reference_date.isoformat()}_{stamp}"


def _csv(rows):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerows(rows)
    return text.getvalue()


def write_package(out, tables, *, reference_date: datetime.date, at=None):
    name = package_name(tables, reference_date, at=at)
    holder = (tables.get("B_01.01") or [{}])[0]
    base_currency = (tables.get("B_01.02") or [{}])[0].get("c0100", "eba_CU:EUR").split(":")[-1]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"{name}/META-INF/reportPackage.json",
            json.dumps({"documentInfo": {"documentType": "https://xbrl.org/report-package/2023"}}, indent=2),
        )
        archive.writestr(
            f"{name}/reports/report.json",
            json.dumps(
                {"documentInfo": {"documentType": "https://xbrl.org/2021/xbrl-csv", "extends": [MODULE_URL]}}, indent=2
            ),
        )
        archive.writestr(
            f"{name}/reports/parameters.csv",
            _csv(
                [
                    ["name", "value"],
                    ["entityID", f"rs:{holder.get('c0010', '')}.CON"],
                    ["refPeriod", reference_date.isoformat()],
                    ["baseCurrency", f"iso4217:{base_currency}"],
                    ["decimalsInteger", "0"],
                    ["decimalsMonetary", "-3"],
                ]
            ),
        )
        archive.writestr(
            f"{name}/reports/FilingIndicators.csv",
            _csv(
                [["templateID", "reported"]] + [[t.code, "true" if tables.get(t.code) else "false"] for t in TEMPLATES]
            ),
        )
        for template in TEMPLATES:
            rows = [template.header] + [
                [row.get(code, "") for code in template.header] for row in tables.get(template.code, ())
            ]
            archive.writestr(f"{name}/reports/{template.filename}", _csv(rows))
    return name


def read_package(stream) -> dict:
    """The tables of a package (ours or anyone's), for validating a file: {template code: [row dicts]}."""
    tables = {}
    with zipfile.ZipFile(stream) as archive:
        by_file = {template.filename: template for template in TEMPLATES}
        for member in archive.namelist():
            template = by_file.get(member.rsplit("/", 1)[-1])
            if template is None:
                continue
            reader = csv.DictReader(io.StringIO(archive.read(member).decode("utf-8-sig")))
            tables[template.code] = list(reader)
    return tables
