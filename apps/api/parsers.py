"""The API's JSON parser: a body is one JSON object of bounded depth, or a 400 that says what is wrong.

Every view reads `request.data` as a mapping; a body of `5`, `[]` or `null` used to reach them and end in a 500.
Deeply nested JSON costs recursion in the parser and in every serializer that walks it; no API input here is
more than a few levels deep.
"""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

# The deepest input here (an object holding lists of objects) is 3 levels; this leaves room and stops abuse.
MAX_JSON_DEPTH = 32
NUL_MESSAGE = "The request body may not contain NUL characters (\\u0000)."


def _depth_exceeds(value, limit):
    """Whether `value` nests containers more than `limit` deep, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _has_nul(value) -> bool:
    """Whether any key or string holds a NUL character. PostgreSQL text cannot store one, and a lookup by such
    a value (a slug, a code) fails in the database instead of answering "no such row"."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


class ObjectJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding))
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep.") from None
        except ValueError as exc:  # also UnicodeDecodeError
            raise ParseError(f"JSON parse error - {exc}") from None
        # Depth first: Python 3.13's decoder parses 1,000 nested arrays where 3.11's hit the recursion limit.
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep.")
        if not isinstance(data, dict):
            raise ParseError(f"The request body must be a JSON object, not {_kind(data)}.")
        if _has_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data


def _kind(value):
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array"}[type(value)]


def _form_has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


class NulFreeFormParser(FormParser):
    """Form bodies under the same rule as JSON ones: no NUL character in any key or value."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _form_has_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data


class NulFreeMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        if _form_has_nul(parsed.data) or any("\x00" in (f.name or "") for f in parsed.files.values()):
            raise ParseError(NUL_MESSAGE)
        return parsed
