"""Workbooks made by the tests: {sheet: [header, row, …]} as XLSX or a zip of CSVs, in memory."""

import csv
import io
import zipfile

import openpyxl


def xlsx(sheets: dict) -> io.BytesIO:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def csv_zip(sheets: dict) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, rows in sheets.items():
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    out.seek(0)
    return out


def register_sheets():
    """A small valid register: two vendors (one a subprocessor of the other), a service, a flow with answers."""
    return {
        "vendors": [
            ["slug", "legal_name", "display_name", "website", "domains", "hq_country", "category", "description"],
            [
                "acme-analytics",
                "Acme Analytics Inc.",
                "Acme",
                "https://acme.example.com",
                "acme.example.com",
                "us",
                "analytics",
                "Product analytics",
            ],
            ["cloudhost", "CloudHost Ltd", "CloudHost", "", "", "IE", "hosting", ""],
        ],
        "services": [
            ["vendor", "slug", "name", "business_criticality", "production_access", "handles_secrets"],
            ["acme-analytics", "web-analytics", "Web analytics", "high", "false", "no"],
            ["cloudhost", "compute", "Compute", "critical", "true", "false"],
        ],
        "contacts": [
            ["vendor", "name", "role", "email", "is_security_contact"],
            ["acme-analytics", "Ada Lovelace", "CISO", "ada@acme.example.com", "true"],
        ],
        "contracts": [
            [
                "vendor",
                "reference",
                "starts_on",
                "ends_on",
                "breach_notification_hours",
                "audit_rights",
                "annual_value",
            ],
            ["acme-analytics", "acme-msa", "2024-01-01", "", "48", "true", "12000.50"],
        ],
        "documents": [
            ["vendor", "kind", "title", "issued_on", "expires_on"],
            ["acme-analytics", "soc2_type2", "SOC 2 Type II 2025", "2025-06-01", "2026-06-01"],
        ],
        "systems": [["slug", "name", "url"], ["console", "API console", "platform.example.org"]],
        "flows": [
            [
                "code",
                "system",
                "vendor",
                "service",
                "mechanism",
                "data_subjects",
                "storage_countries",
                "shared",
                "not_shared",
                "notes",
            ],
            [
                "console-to-acme",
                "console",
                "acme-analytics",
                "web-analytics",
                "client_side_sdk",
                "API users",
                "US; IE",
                "email-address; name",
                "password",
                "email-address: hashed before sending",
            ],
        ],
        "subprocessors": [
            ["vendor", "subprocessor", "purpose", "country", "services"],
            ["acme-analytics", "cloudhost", "Hosting", "IE", "web-analytics"],
        ],
    }
