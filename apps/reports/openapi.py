"""How the report endpoints appear in the OpenAPI schema: the `format` and `lang` parameters and the bodies.

The report JSON is the one `apps/reports/schema.json` defines, not a free-form object. schema.json is JSON
Schema 2020-12 (what the tests validate reports against); OpenAPI 3.0 speaks an older dialect, so its
definitions are translated once: `type: [t, "null"]` and `oneOf: [X, null]` become `nullable`, `const` a
one-value `enum`, and `$ref`s point into `components/schemas` under a `Report` prefix.
"""

import functools
import json
from pathlib import Path

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .notices import NOTICE_LANGUAGES
from .renderers import CONTENT_TYPES, FORMATS

SCHEMA_FILE = Path(__file__).with_name("schema.json")
PREFIX = "Report"
# The components the report endpoints answer with, by report kind.
REPORT_COMPONENTS = {"dataflow": "dataflow_report", "incident": "incident_report"}


def component_name(definition: str) -> str:
    return PREFIX + "".join(part.capitalize() for part in definition.split("_"))


def report_ref(kind: str) -> dict:
    """The response schema of a report endpoint's JSON: a reference to its component."""
    return {"$ref": f"#/components/schemas/{component_name(REPORT_COMPONENTS[kind])}"}


def _to_openapi(node):
    if isinstance(node, list):
        return [_to_openapi(item) for item in node]
    if not isinstance(node, dict):
        return node
    alternatives = node.get("oneOf")
    if isinstance(alternatives, list) and {"type": "null"} in alternatives and len(alternatives) == 2:
        (other,) = (a for a in alternatives if a != {"type": "null"})
        rest = {k: v for k, v in node.items() if k != "oneOf"}
        return {**_to_openapi(rest), "allOf": [_to_openapi(other)], "nullable": True}
    out = {}
    for key, value in node.items():
        if key in ("$schema", "$id", "$defs"):
            continue
        if key == "$ref" and value.startswith("#/$defs/"):
            out[key] = f"#/components/schemas/{component_name(value.removeprefix('#/$defs/'))}"
        elif key == "type" and isinstance(value, list):
            types = [t for t in value if t != "null"]
            out["type"] = types[0]
            if "null" in value:
                out["nullable"] = True
        elif key == "const":
            out["enum"] = [value]
        else:
            out[key] = _to_openapi(value)
    return out


@functools.cache
def report_components() -> dict:
    definitions = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]
    return {component_name(name): _to_openapi(body) for name, body in definitions.items()}


def add_report_components(result, generator, request, public):
    """drf-spectacular postprocessing hook: adds the report components the report endpoints refer to."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(report_components())
    return result


def report_schema(kind: str) -> dict:
    """extend_schema arguments of a report endpoint: `?format=`, and per format its body (JSON: the report)."""
    return {
        "parameters": [
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=FORMATS, default="json", description="The report's format."
            ),
            OpenApiParameter(
                "lang",
                OpenApiTypes.STR,
                enum=NOTICE_LANGUAGES,
                default="en",
                description="The language of the report's labels and of the register's own words (statuses, clocks).",
            ),
        ],
        "responses": {
            (200, content_type.split(";")[0]): report_ref(kind) if fmt == "json" else OpenApiTypes.STR
            for fmt, content_type in CONTENT_TYPES.items()
        },
    }


DATAFLOW_REPORT_SCHEMA = report_schema("dataflow")
INCIDENT_REPORT_SCHEMA = report_schema("incident")

NOTICE_SCHEMA = {
    "parameters": [
        OpenApiParameter(
            "lang", OpenApiTypes.STR, enum=NOTICE_LANGUAGES, default="en", description="The notice's language."
        ),
        OpenApiParameter(
            "final",
            OpenApiTypes.BOOL,
            default=False,
            description="The approved notice without the draft mark; 409 `notice_not_approved` until approved.",
        ),
    ],
    "responses": {(200, "text/plain"): OpenApiTypes.STR},
}
