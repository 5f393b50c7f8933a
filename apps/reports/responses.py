"""One way to hand out a report, whatever the door: the admin buttons, the API and the report commands.

`report_format` / `notice_language` check what was asked (a ValidationError naming `format` or `lang`: the API
answers 400 with it, the admin a 400 page, the commands a one-line error); `report_body` renders the report
once per format (CSV always, and JSON of a streamed report, in ~64 KB chunks made as they are sent, never one
string); `report_response` / `notice_response` wrap a body in the HTTP response the admin and the API both serve.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse

from .jsontext import is_streamed
from .notices import NOTICE_LANGUAGES
from .renderers import CONTENT_TYPES, FILE_EXTENSIONS, FORMATS, REPORT_STYLE_CSP_SOURCE, render, text_chunks

NOTICE_CONTENT_TYPE = "text/plain; charset=utf-8"


def report_format(value: str | None, *, default: str = "json") -> str:
    """The format asked for (`default` when none). Raises ValidationError naming `format`."""
    fmt = value or default
    if fmt not in FORMATS:
        raise ValidationError({"format": f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}"})
    return fmt


def notice_language(value: str | None) -> str:
    """The notice language asked for (en when none). Raises ValidationError naming `lang`."""
    lang = value or "en"
    if lang not in NOTICE_LANGUAGES:
        raise ValidationError({"lang": f"unknown language {lang!r}: choose one of {', '.join(NOTICE_LANGUAGES)}"})
    return lang


def report_language(value: str | None) -> str:
    """The label language of a report (en when none). Raises ValidationError naming `lang`."""
    lang = value or "en"
    if lang not in NOTICE_LANGUAGES:
        raise ValidationError({"lang": f"unknown language {lang!r}: choose one of {', '.join(NOTICE_LANGUAGES)}"})
    return lang


def final_flag(value) -> bool:
    """`final` asked for: true/1/yes or false/0/no/empty. Raises ValidationError naming `final`."""
    text = str(value or "").strip().lower()
    if text in ("", "0", "false", "no"):
        return False
    if text in ("1", "true", "yes"):
        return True
    raise ValidationError({"final": f"{value!r} is not a yes or no: use true or false"})


@dataclass(frozen=True)
class ReportBody:
    fmt: str
    chunks: Iterable[str]  # consumed once: written to a response, a file or standard output
    content_type: str


def streams(report: dict, fmt: str) -> bool:
    """Whether the body is sent as it is made: CSV (a row per flow x category) always, JSON when the report was
    built with stream=True (its flows are read from a server-side cursor as the chunks are written)."""
    return fmt == "csv" or (fmt == "json" and is_streamed(report))


def report_body(report: dict, fmt: str) -> ReportBody:
    """A report dict in a checked format: chunks made as they are consumed, or the whole text as one chunk."""
    if streams(report, fmt):
        return ReportBody(fmt, text_chunks(report, fmt), CONTENT_TYPES[fmt])
    text, content_type = render(report, fmt)
    return ReportBody(fmt, (text,), content_type)


def report_response(report: dict, fmt: str, *, filename: str) -> HttpResponse | StreamingHttpResponse:
    """The HTTP response of a report in a checked format; Markdown and CSV are downloads named `filename`."""
    body = report_body(report, fmt)
    if streams(report, fmt):
        response = StreamingHttpResponse(body.chunks, content_type=body.content_type)
    else:
        response = HttpResponse("".join(body.chunks), content_type=body.content_type)
    if fmt == "html":
        # The HTML report embeds its one style block; the CSP allows exactly that block, by its hash.
        response._csp_update = {"style-src": [REPORT_STYLE_CSP_SOURCE]}
    elif fmt in ("md", "csv"):
        response["Content-Disposition"] = f'attachment; filename="{filename}.{FILE_EXTENSIONS[fmt]}"'
    return response


def notice_response(text: str, lang: str) -> HttpResponse:
    return HttpResponse(text, content_type=NOTICE_CONTENT_TYPE, headers={"Content-Language": lang})
