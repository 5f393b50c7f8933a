"""Turns domain errors raised by services into API answers with a clear reason."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.exceptions import TransitionRefused

security_log = logging.getLogger("vendorrisk.security")


def exception_handler(exc, context):
    if isinstance(exc, TransitionRefused):
        return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail=detail)
    if isinstance(exc, (PermissionDenied, DjangoPermissionDenied)):
        request = context.get("request")
        user = getattr(request, "user", None)
        security_log.warning(
            "permission.denied user=%s method=%s path=%s",
            getattr(user, "username", "-") or "anonymous",
            getattr(request, "method", "-"),
            getattr(request, "path", "-"),
        )
    return drf_exception_handler(exc, context)
