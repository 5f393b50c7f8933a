"""Admin pages of the exchange, under /admin/exchange/ (the admin site guards login, staff and MFA; reviewers only).

Import is upload → preview (a dry run) → confirm: the uploaded file waits in a private temporary folder under a
random token bound to the reviewer's session, and confirming applies exactly that file, once.
"""

import secrets
import shutil
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from apps.accounts.mfa import MFA_REQUIRED_MESSAGE, second_factor_missing
from apps.accounts.roles import is_security_reviewer

from .dora.roi import build_roi
from .dora.templates import FRAMEWORK
from .dora.validate import validate_roi
from .downloads import export_format, reference_date, register_download, roi_download
from .importer import UnreadableFile, import_register
from .layout import KINDS

PENDING_DIR = Path(settings.MEDIA_ROOT) / "imports-pending"
SESSION_KEY = "exchange_pending_import"


class UploadForm(forms.Form):
    file = forms.FileField(help_text="An .xlsx workbook, a .zip of CSV files (one per sheet) or one .csv file.")


def _require_reviewer(request):
    if not is_security_reviewer(request.user):
        raise PermissionDenied("Import and export are for security reviewers.")
    if second_factor_missing(request.user):
        raise PermissionDenied(MFA_REQUIRED_MESSAGE)


def _context(request, **extra):
    return {**admin.site.each_context(request), "title": "Import, export and DORA register of information", **extra}


def _pending_path(token):
    return PENDING_DIR / token / "upload"


def import_view(request):
    _require_reviewer(request)
    report = None
    form = UploadForm()
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            token = secrets.token_urlsafe(24)
            path = _pending_path(token)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                with path.open("rb") as stream:
                    report = import_register(stream=stream, filename=upload.name, actor=request.user, apply=False)
            except UnreadableFile as error:
                shutil.rmtree(path.parent, ignore_errors=True)
                form.add_error("file", str(error))
            else:
                if report.ok:
                    request.session[SESSION_KEY] = {"token": token, "filename": upload.name}
                else:
                    shutil.rmtree(path.parent, ignore_errors=True)
    pending = request.session.get(SESSION_KEY) if report is not None and report.ok else None
    return TemplateResponse(
        request,
        "exchange/import.html",
        _context(request, form=form, report=report, pending=pending, kinds=KINDS),
    )


def _confirm(request):
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or pending.get("token") != request.POST.get("token"):
        return HttpResponseBadRequest(
            "token: this preview was already applied or belongs to another session; upload again."
        )
    path = _pending_path(pending["token"])
    try:
        with path.open("rb") as stream:
            report = import_register(stream=stream, filename=pending["filename"], actor=request.user, apply=True)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if report.applied:
        counts = ", ".join(f"{name}: {s.created} created, {s.changed} changed" for name, s in report.sheets.items())
        messages.success(request, f"Imported {pending['filename']} ({counts}).")
        return redirect("exchange:import")
    # The register moved between preview and confirm: show what now fails, nothing was written.
    return TemplateResponse(
        request, "exchange/import.html", _context(request, form=UploadForm(), report=report, kinds=KINDS)
    )


def template_download(request):
    _require_reviewer(request)
    try:
        fmt = export_format(request.GET.get("format"))
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return register_download("csv" if fmt == "csv" else "xlsx", empty=True)


def export_download(request):
    _require_reviewer(request)
    try:
        fmt = export_format(request.GET.get("format"))
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return register_download(fmt)


def roi_view(request):
    _require_reviewer(request)
    try:
        day = reference_date(request.GET.get("reference_date"))
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    if request.GET.get("download"):
        return roi_download(day)
    tables = build_roi(reference_date=day)
    findings = validate_roi(tables)
    counts = [(code, len(rows)) for code, rows in tables.items()]
    return TemplateResponse(
        request,
        "exchange/roi.html",
        _context(request, day=day, findings=findings, counts=counts, framework=FRAMEWORK),
    )
