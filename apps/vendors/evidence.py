"""Evidence files: what may be uploaded, and how it is handed back.

An evidence file comes from a vendor, so it is untrusted: its type is decided by its content, not its
name or the browser's claim; it is stored outside static files and only ever served as a download.
"""

import logging
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from apps.accounts.mfa import second_factor_missing
from apps.accounts.roles import is_security_reviewer

security_log = logging.getLogger("vendorrisk.security")

# Content type by signature; plain text is what remains when the bytes are UTF-8 with no NUL or control bytes.
SIGNATURES = (
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
)
TEXT_EXTENSIONS = {".txt", ".text", ".md", ".csv"}
SNIFF_BYTES = 8192


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniffed window is still text.
        if exc.start < len(head) - 4:
            return False
        text = head[: exc.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\r\n\t\f" for ch in text)


def detect_evidence_type(file) -> str:
    """The content type of an evidence file by its content. Raises ValidationError when it is not allowed."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(position)
    extension = PurePath(file.name or "").suffix.lower()
    for signature, content_type, extensions in SIGNATURES:
        if head.startswith(signature):
            if extension not in extensions:
                raise ValidationError(
                    _("The file's content is %(type)s but its name ends in %(ext)s."),
                    params={"type": content_type, "ext": extension or _("nothing")},
                    code="extension_mismatch",
                )
            return content_type
    if extension in TEXT_EXTENSIONS and _looks_like_text(head):
        return "text/plain"
    raise ValidationError(
        _("Evidence must be a PDF, PNG, JPEG or plain-text file."),
        code="file_type",
    )


def validate_evidence_file(file):
    """Model-field validator: size limit and allowed types checked by content."""
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)d bytes; evidence may be at most %(limit)d bytes."),
            params={"size": file.size, "limit": limit},
            code="file_too_large",
        )
    detect_evidence_type(file)


def evidence_download(request, document_id):
    """Hand an evidence file to a security reviewer (with a verified second factor where MFA is required),
    as an attachment that browsers will not sniff or render."""
    if not is_security_reviewer(request.user) or second_factor_missing(request.user):
        security_log.warning(
            "permission.denied user=%s path=%s",
            request.user.get_username() if request.user.is_authenticated else "anonymous",
            request.path,
        )
        raise PermissionDenied
    from .models import Document

    document = get_object_or_404(Document, pk=document_id)
    if not document.file:
        raise Http404("This document has no file.")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=PurePath(document.file.name).name,
        content_type=detect_evidence_type(document.file),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
