"""Demo step of the data map: repair what loaddata cannot compute (it saves raw, so save() never runs)."""

from .services import category_paths_rebuild, flow_vendors_sync


def setup():
    category_paths_rebuild()
    flow_vendors_sync()
