"""Summary rows of the dashboard, kept current by apps.dashboard.services.summaries_refresh.

The figures that would otherwise scan the data map (about 100 flow-category rows per vendor) read these
instead: one row per vendor that receives something, one counter per category. Written only by the
services that write flows (through apps.register.handlers.EventHandler.data_map_changed) and repaired by
`manage.py rebuild_aggregates`; no cache is involved.
"""

from django.db import models


class VendorSummary(models.Model):
    """What one vendor receives on its running flows, as the dashboard counts it."""

    vendor = models.OneToOneField(
        "vendors.Vendor", on_delete=models.CASCADE, primary_key=True, related_name="dashboard_summary"
    )
    # Sorted ids of the categories shared with the vendor on a running flow: what CategoryReach counts.
    received_category_ids = models.JSONField(default=list)
    # Sorted mechanisms of the vendor's running flows: what MechanismReach counts.
    mechanisms = models.JSONField(default=list)
    critical_flows = models.PositiveIntegerField(
        default=0, help_text="Running flows carrying a shared category of critical sensitivity."
    )
    client_side_personal = models.BooleanField(
        default=False, help_text="A running client-side SDK flow receives personal data."
    )
    # The first day this row may be wrong without any write: a counted flow's end date. Readers recompute the
    # vendors due by then live, so the figures stay right between the write and the next refresh.
    stale_on = models.DateField(null=True, blank=True, db_index=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["client_side_personal"],
                name="dash_summary_client_side_idx",
                condition=models.Q(client_side_personal=True),
            )
        ]

    def __str__(self):
        return f"summary of vendor {self.vendor_id}"


class CategoryReach(models.Model):
    """How many vendors receive a category on a running flow (the sum of VendorSummary.received_category_ids)."""

    category = models.OneToOneField(
        "datamap.DataCategory", on_delete=models.CASCADE, primary_key=True, related_name="dashboard_reach"
    )
    vendors = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["-vendors"], name="dash_reach_vendors_idx")]

    def __str__(self):
        return f"{self.category_id}: {self.vendors} vendors"


class MechanismReach(models.Model):
    """How many vendors receive data through a running flow of a mechanism (the sum of VendorSummary.mechanisms)."""

    mechanism = models.CharField(max_length=32, primary_key=True)
    vendors = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.mechanism}: {self.vendors} vendors"
