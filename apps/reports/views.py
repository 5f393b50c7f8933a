"""Admin-only report views behind the buttons on the vendor and incident change pages. Security reviewers only.

The HTML report embeds its one <style> block so that a saved copy stays self-contained; served here, the
response's CSP adds exactly that block's hash to `style-src 'self'`, so no other inline style can run. The diagram
uses SVG presentation attributes only and shows even where the style is blocked.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse

from apps.accounts.mfa import MFA_REQUIRED_MESSAGE, second_factor_missing
from apps.accounts.roles import is_security_reviewer

from .builders import build_dataflow_report, build_incident_report
from .notices import NOTICE_LANGUAGES, UnknownLanguage, render_notice
from .renderers import CONTENT_TYPES, FILE_EXTENSIONS, FORMATS, REPORT_STYLE_CSP_SOURCE, csv_lines, render
from .selectors import ReportSubjectNotFound, incident_by_reference, vendor_by_slug


def _require_reviewer(request):
    if not is_security_reviewer(request.user):
        raise PermissionDenied("Reports are for security reviewers.")
    # The admin site already asks for it; checked again so that the views hold wherever they are mounted.
    if second_factor_missing(request.user):
        raise PermissionDenied(MFA_REQUIRED_MESSAGE)


def _report_response(report, fmt, filename):
    if fmt not in FORMATS:
        return HttpResponseBadRequest(f"format: unknown format {fmt!r}, choose one of {', '.join(FORMATS)}")
    if fmt == "csv":  # one row per flow x category: streamed line by line, never held as one string
        response = StreamingHttpResponse(csv_lines(report), content_type=CONTENT_TYPES["csv"])
    else:
        text, content_type = render(report, fmt)
        response = HttpResponse(text, content_type=content_type)
    if fmt == "html":
        response._csp_update = {"style-src": [REPORT_STYLE_CSP_SOURCE]}
    elif fmt in ("md", "csv"):
        response["Content-Disposition"] = f'attachment; filename="{filename}.{FILE_EXTENSIONS[fmt]}"'
    return response


def vendor_dataflow_report(request, slug):
    _require_reviewer(request)
    try:
        vendor = vendor_by_slug(slug)
    except ReportSubjectNotFound as exc:
        raise Http404(str(exc)) from None
    fmt = request.GET.get("format", "html")
    return _report_response(build_dataflow_report(vendor=vendor), fmt, f"dataflow-{vendor.slug}")


def incident_report(request, reference):
    _require_reviewer(request)
    try:
        incident = incident_by_reference(reference)
    except ReportSubjectNotFound as exc:
        raise Http404(str(exc)) from None
    fmt = request.GET.get("format", "html")
    return _report_response(build_incident_report(incident=incident), fmt, f"incident-{incident.slug}")


def incident_notice(request, reference):
    _require_reviewer(request)
    try:
        incident = incident_by_reference(reference)
    except ReportSubjectNotFound as exc:
        raise Http404(str(exc)) from None
    lang = request.GET.get("lang", "en")
    try:
        text = render_notice(incident=incident, lang=lang)
    except UnknownLanguage:
        return HttpResponseBadRequest(f"lang: unknown language {lang!r}, choose one of {', '.join(NOTICE_LANGUAGES)}")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
