"""How the vendor list and detail are documented: the answer depends on the caller's role.

Reviewers and the dashboard read the full vendor; procurement reads exactly slug, name and status. The schema
says `oneOf` the two, and closes the minimal shape (no other property) so that a full vendor matches only the
full schema and a minimal one only the minimal schema, as oneOf requires.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import PolymorphicProxySerializer

from .serializers import VendorMinimalSerializer, VendorSerializer


class ClosedVendorMinimalExtension(OpenApiSerializerExtension):
    target_class = VendorMinimalSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


def vendor_for_role():
    return PolymorphicProxySerializer(
        component_name="VendorForRole",
        serializers=[VendorSerializer, VendorMinimalSerializer],
        resource_type_field_name=None,
    )
