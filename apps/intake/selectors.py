"""Reads for the intake pages. A buyer only ever reaches their own requests through these."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from apps.datamap.models import DataCategory
from apps.vendors.choices import VendorStatus
from apps.vendors.models import Vendor

from .models import IntakeRequest


def intake_list_for_requester(*, user) -> QuerySet[IntakeRequest]:
    """The requests a buyer made, newest change first, with what the list shows."""
    return IntakeRequest.objects.filter(requester=user).select_related("existing_vendor", "vendor", "review")


def intake_review_of(*, pk: int) -> tuple[bool, int | None]:
    """(whether the request exists, its intake review's id): where a security reviewer reads it."""
    row = IntakeRequest.objects.filter(pk=pk).values_list("review_id", flat=True)
    found = list(row[:1])
    return (bool(found), found[0] if found else None)


def intake_get_for_requester(*, user, pk: int) -> IntakeRequest:
    """One of the buyer's own requests. Raises IntakeRequest.DoesNotExist for anyone else's (the view answers 404)."""
    return intake_list_for_requester(user=user).prefetch_related("systems", "categories").get(pk=pk)


def intake_for_form_token(*, user, form_token) -> IntakeRequest | None:
    """The buyer's request created from the blank form carrying this token, if a POST of it was already saved."""
    return intake_list_for_requester(user=user).filter(form_token=form_token).first()


def vendor_choices() -> QuerySet[Vendor]:
    """Vendors a buyer can pick by name: all but terminated ones, which need a new request to come back."""
    return Vendor.objects.exclude(status=VendorStatus.TERMINATED).only("id", "slug", "display_name", "status")


VENDOR_SEARCH_LIMIT = 20


def vendor_search(query: str, *, limit: int = VENDOR_SEARCH_LIMIT) -> list[str]:
    """Names of pickable vendors containing `query` (any case), those starting with it first; none for "".

    The intake form's vendor finder asks this instead of carrying every vendor's name (9,378 at 10,000 vendors).
    """
    query = query.strip()
    if not query:
        return []
    matches = vendor_choices().filter(display_name__icontains=query)
    starting = list(
        matches.filter(display_name__istartswith=query)
        .order_by("display_name")
        .values_list("display_name", flat=True)[:limit]
    )
    rest = matches.exclude(display_name__istartswith=query).order_by("display_name")
    return starting + list(rest.values_list("display_name", flat=True)[: limit - len(starting)])


@dataclass
class CategoryNode:
    """A catalogue entry with its children, for the nested checkboxes."""

    category: DataCategory
    children: list["CategoryNode"] = field(default_factory=list)

    @property
    def code(self):
        return self.category.code


def category_tree() -> list[CategoryNode]:
    """The whole catalogue as a tree, in one query, in the catalogue's own order (identifying data first)."""
    nodes = {category.pk: CategoryNode(category) for category in DataCategory.objects.order_by("pk")}
    roots: list[CategoryNode] = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id)
        (parent.children if parent else roots).append(node)
    return roots
