"""Reports over the API: the format comes from `?format=`, the body from apps.reports (one builder, every format)."""

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from apps.reports.notices import NOTICE_LANGUAGES
from apps.reports.renderers import CONTENT_TYPES, FORMATS, REPORT_STYLE_CSP_SOURCE, csv_lines, render

REPORT_SCHEMA = {
    "parameters": [
        OpenApiParameter("format", OpenApiTypes.STR, enum=FORMATS, default="json", description="The report's format.")
    ],
    # JSON is the report itself (an object whose keys depend on the report); the other formats are text.
    "responses": {
        (200, content_type.split(";")[0]): OpenApiTypes.OBJECT if fmt == "json" else OpenApiTypes.STR
        for fmt, content_type in CONTENT_TYPES.items()
    },
}


NOTICE_SCHEMA = {
    "parameters": [
        OpenApiParameter(
            "lang", OpenApiTypes.STR, enum=NOTICE_LANGUAGES, default="en", description="The notice's language."
        )
    ],
    "responses": {(200, "text/plain"): OpenApiTypes.STR},
}


def requested_language(request) -> str:
    """The notice language from `?lang=` (default en). Raises ValidationError naming the parameter."""
    lang = request.query_params.get("lang", "en")
    if lang not in NOTICE_LANGUAGES:
        raise ValidationError({"lang": [f"Unknown language {lang!r}; choose one of {', '.join(NOTICE_LANGUAGES)}."]})
    return lang


def requested_format(request) -> str:
    """The report format from `?format=` (default json). Raises ValidationError naming the parameter."""
    fmt = request.query_params.get("format", "json")
    if fmt not in FORMATS:
        raise ValidationError({"format": [f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}."]})
    return fmt


def report_response(report: dict, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt == "csv":  # one row per flow x category: streamed line by line, never held as one string
        return StreamingHttpResponse(csv_lines(report), content_type=CONTENT_TYPES["csv"])
    body, content_type = render(report, fmt)
    response = HttpResponse(body, content_type=content_type)
    if fmt == "html":
        # The HTML report embeds its one style block; the CSP allows exactly that block, by its hash.
        response._csp_update = {"style-src": [REPORT_STYLE_CSP_SOURCE]}
    return response
