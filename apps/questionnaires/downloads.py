"""A file a vendor attached to an answer, handed to a security reviewer exactly as evidence is (apps.vendors)."""

from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from apps.accounts.mfa import second_factor_missing
from apps.accounts.roles import is_security_reviewer
from apps.vendors.evidence import detect_evidence_type, security_log

from .models import AnswerFile


def answer_file_download(request, file_id):
    if not is_security_reviewer(request.user) or second_factor_missing(request.user):
        security_log.warning("permission.denied path=%s", request.path)
        raise PermissionDenied
    record = get_object_or_404(AnswerFile, pk=file_id)
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=PurePath(record.name).name,
        content_type=detect_evidence_type(record.file),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
