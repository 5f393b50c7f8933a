"""Admin building blocks shared by the register's apps."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class AuditedAdmin(SimpleHistoryAdmin):
    """Shows an object's audit history (who, when, what changed) and never writes through it.

    simple-history's "revert" form saves an old version over the current one; with
    SIMPLE_HISTORY_REVERT_DISABLED it only hides the button, so a POST is refused here as well.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("The audit history is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)
