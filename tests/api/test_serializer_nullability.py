"""The schema tells the truth about empty values: a field that can answer null or "" is documented so.

The fuzz test found these one endpoint at a time (null owners, blank URLs, blank claim statuses); this audit
walks every ModelSerializer of the API so that a new field through a nullable relation cannot slip back.
"""

import importlib
from pathlib import Path

import pytest
from django.core.exceptions import FieldDoesNotExist
from rest_framework import serializers

from apps.vendors.api.serializers import VendorSerializer

API_SERIALIZER_MODULES = sorted(
    ".".join(path.with_suffix("").parts) for path in Path("apps").glob("*/api/serializers.py")
)
# Fields whose schema is a format, pattern or enum: "" only validates when allow_blank says so.
CONSTRAINED_STRING_FIELDS = (
    serializers.URLField,
    serializers.EmailField,
    serializers.SlugField,
    serializers.ChoiceField,
)


def _api_model_serializers():
    for module in API_SERIALIZER_MODULES:
        importlib.import_module(module)
    pending, found = [serializers.ModelSerializer], set()
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("apps.") and hasattr(subclass, "Meta"):
                found.add(subclass)
    return sorted(found, key=lambda cls: cls.__qualname__)


def _model_fields_along(model, source):
    for part in source.split("."):
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return
        yield model_field
        model = model_field.related_model or model


def _undocumented_empties():
    for serializer_class in _api_model_serializers():
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            if field.source == "*" or isinstance(field, (serializers.ManyRelatedField, serializers.BaseSerializer)):
                continue
            model_fields = list(_model_fields_along(model, field.source))
            if (
                any(getattr(f, "null", False) for f in model_fields)
                and not field.allow_null
                and field.default is serializers.empty
            ):
                yield f"{serializer_class.__name__}.{name} can be null"
            if (
                len(model_fields) == 1
                and model_fields[0].blank
                and isinstance(field, CONSTRAINED_STRING_FIELDS)
                and not model_fields[0].null
                and not getattr(field, "allow_blank", False)
            ):
                yield f"{serializer_class.__name__}.{name} can be blank"


def test_the_audit_sees_the_api_serializers():
    assert VendorSerializer in _api_model_serializers()


@pytest.mark.django_db
def test_every_field_that_can_be_empty_is_documented_as_such():
    assert list(_undocumented_empties()) == []
