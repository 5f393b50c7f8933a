"""Reads of the vendor register."""

from django.db.models import Prefetch, QuerySet

from apps.datamap.choices import Sharing
from apps.datamap.models import DataFlow, DataFlowCategory
from apps.datamap.selectors import active_flow_q

from .models import Vendor


def vendor_register_list(*, queryset: QuerySet[Vendor] | None = None) -> QuerySet[Vendor]:
    """Vendors with what the register lists beside each one, in a constant number of queries.

    Each vendor carries `active_flows` (its running flows, `system` loaded), and each flow `shared_rows`
    (its SHARED category rows, `category` loaded). Ended flows are left out: the columns say where a vendor
    sits today; vendor_data_received() gives the history.
    """
    queryset = Vendor.objects.all() if queryset is None else queryset
    shared_rows = DataFlowCategory.objects.filter(sharing=Sharing.SHARED).select_related("category")
    active_flows = (
        DataFlow.objects.filter(active_flow_q())
        .select_related("system")
        .prefetch_related(Prefetch("flow_categories", queryset=shared_rows, to_attr="shared_rows"))
    )
    return queryset.prefetch_related(Prefetch("flows", queryset=active_flows, to_attr="active_flows"))


def vendor_systems(vendor: Vendor) -> list[str]:
    """Names of the systems a vendor sits in, from `active_flows` as loaded by vendor_register_list()."""
    return sorted({flow.system.name for flow in vendor.active_flows})


def vendor_shared_categories(vendor: Vendor) -> list[str]:
    """Names of the categories a vendor receives, from `active_flows` as loaded by vendor_register_list()."""
    return sorted({row.category.name for flow in vendor.active_flows for row in flow.shared_rows})
