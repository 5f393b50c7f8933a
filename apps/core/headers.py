"""Text that goes into a mail or HTTP header. Names come from people (a vendor name typed into the API may hold a
newline): a header must stay one line, or Django refuses it (BadHeaderError) and a raw one could inject another."""

import re

_CONTROL_OR_SPACE = re.compile(r"[\s\x00-\x1f\x7f]+")


def header_safe(value, *, max_length: int = 200) -> str:
    """`value` on one line: every run of whitespace or control characters becomes one space; cut at max_length."""
    text = _CONTROL_OR_SPACE.sub(" ", str(value)).strip()
    return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"
