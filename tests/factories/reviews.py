import factory

from apps.reviews.models import Finding, Review

from .vendors import VendorFactory


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review in draft; move it with apps.reviews services, never by setting `state`."""

    class Meta:
        model = Review

    vendor = factory.SubFactory(VendorFactory)
    kind = "periodic"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    review = factory.SubFactory(ReviewFactory)
    title = factory.Sequence(lambda n: f"Finding {n}")
    severity = "medium"
