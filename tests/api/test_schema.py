"""OpenAPI 3 at /api/schema/, and Swagger UI at /api/docs/ from our own static files only."""

import re

from django.core.management import call_command


def test_spectacular_validates_without_a_warning(db, tmp_path):
    # --fail-on-warn raises SchemaGenerationError on any warning, e.g. an endpoint spectacular cannot type.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    for path in (
        "/api/v1/vendors/{slug}/report/",
        "/api/v1/reviews/{id}/approve-with-conditions/",
        "/api/v1/dashboard/",
    ):
        assert path in text


def test_schema_endpoint_serves_openapi_3_to_signed_in_users_only(client, dashboard_user):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(dashboard_user)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_swagger_ui_loads_only_our_static_files(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # What the page loads (scripts, styles, icons); an <a href> such as the sign-in link is navigation.
    references = re.findall(r'src="([^"]+)"', html) + re.findall(r'<link [^>]*href="([^"]+)"', html)
    assert references, html
    assert all(ref.startswith("/static/") for ref in references), references
    assert "<style" not in html
    assert re.search(r"<script>(?!</script>)", html) is None  # no inline script: the CSP would block it
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert 'data-schema-url="/api/schema/"' in html


def test_swagger_static_files_are_served(client, db):
    for path in (
        "/static/api/swagger-init.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    ):
        assert client.get(path).status_code == 200, path


def _openapi(db):
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_its_error_answers(db):
    schema = _openapi(db)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "429" in codes, (method, path)
            if path != "/api/v1/auth/token/":
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch", "delete") and path != "/api/v1/auth/token/":
                assert {"400", "409"} <= codes, (method, path)
            assert not operation["operationId"].startswith("v1_"), operation["operationId"]


def test_reports_document_json_by_the_report_schema_and_the_other_formats_as_text(db):
    schema = _openapi(db)
    components = schema["components"]["schemas"]
    for path, component in (
        ("/api/v1/vendors/{slug}/report/", "ReportDataflowReport"),
        ("/api/v1/incidents/{id}/report/", "ReportIncidentReport"),
    ):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert content["application/json"]["schema"] == {"$ref": f"#/components/schemas/{component}"}
        # apps/reports/schema.json, translated: the same required keys.
        assert "schema_version" in components[component]["required"]
        for media_type in ("text/markdown", "text/html", "text/csv"):
            assert content[media_type]["schema"]["type"] == "string"


def test_vendor_answers_are_documented_for_every_role(db):
    # Reviewers read the full vendor, procurement exactly slug, name and status: the schema says one of the two.
    schema = _openapi(db)
    components = schema["components"]["schemas"]
    assert components["VendorForRole"]["oneOf"] == [
        {"$ref": "#/components/schemas/Vendor"},
        {"$ref": "#/components/schemas/VendorMinimal"},
    ]
    assert components["VendorMinimal"]["additionalProperties"] is False
    detail = schema["paths"]["/api/v1/vendors/{slug}/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert detail["schema"] == {"$ref": "#/components/schemas/VendorForRole"}
