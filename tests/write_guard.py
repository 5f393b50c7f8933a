"""Catches register writes that do not come from a service.

While `writes_only_through_services()` is active, every save, delete, bulk write or queryset update of a
register model (an app under `apps.`) must have a service on its call stack: a function in an
`apps.<app>.services`, `apps.<app>.workflow` or `apps.register.*` module. Anything else (a serializer's
`.save()`, an admin's default `save_model`, a formset) is a write around the rules, and is recorded.
"""

import contextlib
import re
import sys

from django.db.models import Model, QuerySet

WRITER_MODULE = re.compile(r"^apps\.(\w+\.(services|workflow)|register\.\w+)$")


def _is_register_model(model) -> bool:
    # Audit rows (simple-history's Historical* models) are written by the history receiver after the real write.
    return model.__module__.startswith("apps.") and not model.__name__.startswith("Historical")


def _service_on_stack() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if WRITER_MODULE.match(frame.f_globals.get("__name__", "")):
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def writes_only_through_services():
    """Yields the list of writes made outside a service: (operation, model name)."""
    stray = []
    originals = {
        (Model, "save_base"): Model.save_base,
        (Model, "delete"): Model.delete,
        (QuerySet, "update"): QuerySet.update,
        (QuerySet, "delete"): QuerySet.delete,
        (QuerySet, "bulk_create"): QuerySet.bulk_create,
        (QuerySet, "bulk_update"): QuerySet.bulk_update,
    }

    def guarded(owner, name, original):
        def wrapper(self, *args, **kwargs):
            model = self.model if isinstance(self, QuerySet) else type(self)
            if _is_register_model(model) and not _service_on_stack():
                stray.append((name, model.__name__))
            return original(self, *args, **kwargs)

        return wrapper

    for (owner, name), original in originals.items():
        setattr(owner, name, guarded(owner, name, original))
    try:
        yield stray
    finally:
        for (owner, name), original in originals.items():
            setattr(owner, name, original)
