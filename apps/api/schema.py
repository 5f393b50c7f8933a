"""The OpenAPI schema tells the truth about every answer an operation can give, errors included.

drf-spectacular documents the success answer only; tools that read the schema (and schemathesis' status-code
check in tests/security/test_api_fuzz.py) then meet 400, 403 or 409 answers the schema never mentioned. This
AutoSchema adds, per operation, the error answers our exception handler (apps/api/exceptions.py) can give:

| code | when |
|---|---|
| 400 | a request body or query parameters that do not validate (body: field → messages) |
| 401 | no credentials, or bad ones (every operation that needs a signed-in caller) |
| 403 | the caller's role (or a missing second factor) does not allow it |
| 404 | a path parameter names nothing, or a page number beyond the last page |
| 409 | a workflow rule refuses the write: `{detail, code}` with a stable code |
| 429 | throttled or locked out |
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

DETAIL_BODY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation answer: {field: [messages]}, with nested objects for nested serializers; `detail` for
# a body that is not an object at all.
VALIDATION_BODY = {
    "type": "object",
    "additionalProperties": {},
    "description": "Each invalid field with its messages (`non_field_errors` for the whole body).",
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: each field named with the reason.",
    "401": "Not signed in, or bad credentials.",
    "403": "The caller's role does not allow this.",
    "404": "Not found.",
    "409": "Refused by a workflow rule: `code` says which.",
    "429": "Too many requests, or locked out after failed sign-ins.",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class RegisterAutoSchema(AutoSchema):
    def get_filter_backends(self):
        # Filters apply to a resource's own list only, not to nested actions such as a vendor's tier history.
        if getattr(self.view, "action", None) != "list":
            return []
        return super().get_filter_backends()

    def _error_codes(self, parameters) -> list[str]:
        codes = ["429"]
        anonymous_allowed = any(
            isinstance(permission, AllowAny) or permission is AllowAny
            for permission in getattr(self.view, "permission_classes", ())
        )
        if not anonymous_allowed:
            codes += ["401", "403"]
        in_path = any(p.get("in") == "path" for p in parameters)
        in_query = any(p.get("in") == "query" for p in parameters)
        if self.method in WRITE_METHODS or in_query:
            codes.append("400")
        if in_path or self._is_list_view():
            codes.append("404")
        if self.method in WRITE_METHODS and not anonymous_allowed:
            codes.append("409")
        return codes

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation.get("parameters", [])):
            if code in responses:
                continue
            body = VALIDATION_BODY if code == "400" else DETAIL_BODY
            responses[code] = {
                "description": ERROR_DESCRIPTIONS[code],
                "content": {"application/json": {"schema": body}},
            }
        return operation
