"""Admin-only report views behind the buttons on the vendor and incident change pages. Security reviewers only.

The HTML report embeds its one <style> block so that a saved copy stays self-contained; served here, the
response's CSP adds exactly that block's hash to `style-src 'self'`, so no other inline style can run. The diagram
uses SVG presentation attributes only and shows even where the style is blocked.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest

from apps.accounts.mfa import MFA_REQUIRED_MESSAGE, second_factor_missing
from apps.accounts.roles import is_security_reviewer

from .builders import build_dataflow_report, build_incident_report
from .notices import NoticeNotApproved, render_notice
from .responses import (
    final_flag,
    notice_language,
    notice_response,
    report_format,
    report_language,
    report_response,
)
from .selectors import ReportSubjectNotFound, incident_by_reference, vendor_by_slug


def _require_reviewer(request):
    if not is_security_reviewer(request.user):
        raise PermissionDenied("Reports are for security reviewers.")
    # The admin site already asks for it; checked again so that the views hold wherever they are mounted.
    if second_factor_missing(request.user):
        raise PermissionDenied(MFA_REQUIRED_MESSAGE)


def _bad_request(exc: ValidationError):
    """A 400 page that names the parameter, e.g. "format: unknown format 'pdf': choose one of …"."""
    field, messages = next(iter(exc.message_dict.items()))
    return HttpResponseBadRequest(f"{field}: {messages[0]}")


def vendor_dataflow_report(request, slug):
    _require_reviewer(request)
    try:
        vendor = vendor_by_slug(slug)
        fmt = report_format(request.GET.get("format"), default="html")
        lang = report_language(request.GET.get("lang"))
    except ReportSubjectNotFound as exc:
        raise Http404(str(exc)) from None
    except ValidationError as exc:
        return _bad_request(exc)
    report = build_dataflow_report(vendor=vendor, lang=lang, generated_by=request.user.get_username(), stream=True)
    return report_response(report, fmt, filename=f"dataflow-{vendor.slug}")


def incident_report(request, reference):
    _require_reviewer(request)
    try:
        incident = incident_by_reference(reference)
        fmt = report_format(request.GET.get("format"), default="html")
        lang = report_language(request.GET.get("lang"))
    except ReportSubjectNotFound as exc:
        raise Http404(str(exc)) from None
    except ValidationError as exc:
        return _bad_request(exc)
    report = build_incident_report(incident=incident, lang=lang, generated_by=request.user.get_username())
    return report_response(report, fmt, filename=f"incident-{incident.slug}")


def incident_notice(request, reference):
    _require_reviewer(request)
    try:
        incident = incident_by_reference(reference)
        lang = notice_language(request.GET.get("lang"))
        final = final_flag(request.GET.get("final"))
    except ReportSubjectNotFound as exc:
        raise Http404(str(exc)) from None
    except ValidationError as exc:
        return _bad_request(exc)
    try:
        text = render_notice(incident=incident, lang=lang, final=final)
    except NoticeNotApproved as refusal:
        return HttpResponse(str(refusal), status=409, content_type="text/plain; charset=utf-8")
    return notice_response(text, lang)
