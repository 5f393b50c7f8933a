"""The exchange over the API: import (a dry run unless `apply`), whole-register export, the DORA RoI.

POST /api/v1/exchange/import/   multipart `file`, optional `apply=true`: the report; 400 when any row fails (nothing
                                written), naming sheet, row and column. Security reviewers only.
GET  /api/v1/exchange/export/?format=xlsx|csv|json   the whole register in the import layout.
GET  /api/v1/exchange/roi/?reference_date=YYYY-MM-DD  the findings; `&download=1` the xBRL-CSV package.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.negotiation import IgnoreFormatParameterNegotiation

from ..dora.roi import build_roi
from ..dora.validate import validate_roi
from ..downloads import export_format, reference_date, register_download, roi_download
from ..exporter import CONTENT_TYPES
from ..importer import UnreadableFile, import_register


class ImportInput(serializers.Serializer):
    file = serializers.FileField()
    apply = serializers.BooleanField(default=False)


class ImportView(APIView):
    parser_classes = [MultiPartParser]
    dashboard_access = False

    @extend_schema(request=ImportInput, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request):
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            report = import_register(
                stream=upload, filename=upload.name, actor=request.user, apply=data.validated_data["apply"]
            )
        except UnreadableFile as error:
            raise ValidationError({"file": str(error)}) from None
        return Response(report.as_dict(), status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)


class ExportView(APIView):
    # `?format=` names the file's format, not a DRF renderer.
    content_negotiation_class = IgnoreFormatParameterNegotiation

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["xlsx", "csv", "json"])],
        responses={
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["csv"]): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["json"]): OpenApiTypes.OBJECT,
        },
    )
    def get(self, request):
        return register_download(export_format(request.query_params.get("format")))


class RoiView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("reference_date", OpenApiTypes.DATE), OpenApiParameter("download", bool)],
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            (200, "application/json"): inline_serializer(
                "RoiFindings",
                {
                    "reference_date": serializers.DateField(),
                    "error_count": serializers.IntegerField(),
                    "findings": serializers.ListField(child=serializers.DictField()),
                },
            ),
        },
    )
    def get(self, request):
        day = reference_date(request.query_params.get("reference_date"))
        if request.query_params.get("download") in ("1", "true"):
            return roi_download(day)
        findings = validate_roi(build_roi(reference_date=day))
        return Response(
            {"reference_date": day, "error_count": len(findings), "findings": [f.as_dict() for f in findings]}
        )
