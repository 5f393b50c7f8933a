"""Writes whose input is not the resource's shape: validate with an input serializer, answer with the resource.

A ServiceViewSet lists `input_serializer_classes` per action ("create", "update", "partial_update") and routes
the action here explicitly (`def create(self, request, *args, **kwargs): return self.create_from_input(request)`):
the mixin itself defines no action, so the router and the schema offer only the writes a viewset declares. The
input serializer only validates, the service hook (create_object / update_object) writes, and the answer is the
resource's own serializer, so a tool reads back exactly what a GET would show.
"""

from rest_framework import status
from rest_framework.response import Response


class InputSerializerMixin:
    input_serializer_classes: dict = {}

    def get_input_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        return self.input_serializer_classes[self.action](*args, **kwargs)

    def create_from_input(self, request):
        serializer = self.get_input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self.get_serializer(serializer.instance).data
        return Response(data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data))

    def update_from_input(self, request, *, partial=False):
        serializer = self.get_input_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.get_serializer(serializer.instance).data)
