"""Refuse an oversized request body from its Content-Length, before anything reads or parses it.

Django's own caps (DATA_UPLOAD_MAX_MEMORY_SIZE, FILE_UPLOAD_MAX_MEMORY_SIZE) bound what is kept in memory, but a
multipart body is still streamed to temporary files whatever its size: an anonymous 60 MB POST to the login page
would be written to disk. Here every body is limited to MAX_REQUEST_BODY_BYTES, except on the paths that upload
evidence (EVIDENCE_UPLOAD_PATHS), which may carry one file of EVIDENCE_MAX_UPLOAD_BYTES plus the form around it.
"""

import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.evidence_paths = [re.compile(pattern) for pattern in settings.EVIDENCE_UPLOAD_PATHS]
        self.import_paths = [re.compile(pattern) for pattern in getattr(settings, "IMPORT_UPLOAD_PATHS", ())]

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return self._refuse(request, 400, "The Content-Length header is not a number.")
        limit = self.limit_for(request.path_info)
        if length > limit:
            return self._refuse(request, 413, f"The request body is {length} bytes; at most {limit} are accepted here.")
        return self.get_response(request)

    def limit_for(self, path):
        if any(pattern.match(path) for pattern in self.import_paths):
            return settings.IMPORT_MAX_UPLOAD_BYTES
        if any(pattern.match(path) for pattern in self.evidence_paths):
            return settings.EVIDENCE_MAX_UPLOAD_BYTES + settings.EVIDENCE_UPLOAD_FORM_MARGIN_BYTES
        return settings.MAX_REQUEST_BODY_BYTES

    @staticmethod
    def _refuse(request, status, message):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
