"""JSON responses written by orjson: the bytes DRF's JSONRenderer writes, several times faster.

DRF's encoder (json.dumps with its JSONEncoder) spent 5-6 ms on a page of 100 vendors and ~18 ms on 100 flows with
their categories, more than the database spent on the rows (issue 22); orjson writes the same pages in under 3 ms.
It writes the same text because everything orjson does not write natively the way DRF does goes through DRF's own
encoder: dates, times and datetimes (passed through, so "+00:00" becomes "Z" and microseconds stay as DRF writes
them), Decimal (a float, as DRF's encoder writes it), lazy translation strings, querysets, generators, dataclasses.
UUIDs, str subclasses (ErrorDetail, SafeString) and text choices are written natively, as json.dumps writes them.
Whatever orjson refuses (an integer beyond 64 bits, nesting deeper than 254) falls back to DRF's renderer, as does
any indentation other than none: the browsable API's pretty printing (indent 4) and `Accept: ...; indent=N` keep
DRF's exact format. One difference, where DRF has no output: a NaN or infinite float, which DRF refuses
(STRICT_JSON, a 500), orjson writes as null. And a fallback renders the data again: a one-shot generator in it
would be read twice (the views put lists in responses, never generators).
tests/api/test_renderers.py compares the two on every list and detail endpoint.
"""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME  # DRF's encoder writes them (its "Z", its microseconds)
    | orjson.OPT_PASSTHROUGH_DATACLASS  # DRF's encoder has no rule for them either: the same TypeError
    | orjson.OPT_NON_STR_KEYS  # json.dumps writes 1 as "1" in a key; orjson would refuse it
)

# json.dumps with ensure_ascii=False leaves these two line terminators raw; DRF escapes them so the body is also
# valid JavaScript. orjson leaves them raw too, so they are escaped the same way after.
LINE_SEPARATOR, PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class FastJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer with orjson doing the work whenever it writes the same bytes (see the module)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if not self._writes_like_drf(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=self.encoder_class().default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if LINE_SEPARATOR in body or PARAGRAPH_SEPARATOR in body:
            body = body.replace(LINE_SEPARATOR, b"\\u2028").replace(PARAGRAPH_SEPARATOR, b"\\u2029")
        return body

    def _writes_like_drf(self, accepted_media_type, renderer_context):
        """orjson writes DRF's format only compact, unescaped and strict (the project's settings)."""
        return (
            not self.get_indent(accepted_media_type, renderer_context)
            and self.compact
            and not self.ensure_ascii
            and self.encoder_class is JSONRenderer.encoder_class
            and api_settings.STRICT_JSON
        )
