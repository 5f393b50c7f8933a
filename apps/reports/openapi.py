"""How the report endpoints appear in the OpenAPI schema: the `format` and `lang` parameters and the bodies."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .notices import NOTICE_LANGUAGES
from .renderers import CONTENT_TYPES, FORMATS

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
