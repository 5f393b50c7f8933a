"""Serializer fields every app's API shares."""

from django.contrib.auth import get_user_model
from rest_framework import serializers


class UsernameField(serializers.SlugRelatedField):
    """A user shown (and chosen) by username, never by a guessable id."""

    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)


class RefusalSerializer(serializers.Serializer):
    """The 409 body when a service refuses a workflow move (apps.api.exceptions)."""

    detail = serializers.CharField()
    code = serializers.CharField()
