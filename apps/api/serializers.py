"""The base of the register's writable serializers."""

from rest_framework import serializers


class StrictModelSerializer(serializers.ModelSerializer):
    """Refuses a write that tries to change a guarded read-only field (state, tier, requester…), naming it.

    DRF would silently drop such a field, and a tool would believe it had moved a workflow state. The guarded
    fields are the keys of `read_only_reasons`, each with where the change happens instead. Sending a field's
    current value back (GET, edit, PUT) is accepted; other read-only fields (id, timestamps) are ignored.
    """

    read_only_reasons: dict[str, str] = {}

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            errors = {}
            for name, reason in self.read_only_reasons.items():
                if name in data and not self._is_current_value(name, data[name]):
                    errors[name] = [reason]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def _is_current_value(self, name, value):
        if self.instance is None:
            return value in (None, "")
        field = self.fields[name]
        current = field.get_attribute(self.instance)
        return value == (None if current is None else field.to_representation(current))
