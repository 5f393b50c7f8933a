import factory

from apps.datamap.choices import Mechanism, Sensitivity, Sharing
from apps.datamap.models import DataCategory, DataFlow, DataFlowCategory, System

from .vendors import VendorServiceFactory


class DataCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.LazyAttribute(lambda c: c.code.replace("-", " ").capitalize())
    sensitivity = Sensitivity.MEDIUM


class SystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = System
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"system-{n}")
    name = factory.LazyAttribute(lambda s: s.slug.replace("-", " ").title())
    url = factory.LazyAttribute(lambda s: f"{s.slug}.example.org")


class DataFlowFactory(factory.django.DjangoModelFactory):
    """A flow; `shared=[categories]` and `not_shared=[categories]` add its category rows."""

    class Meta:
        model = DataFlow
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"flow-{n}")
    system = factory.SubFactory(SystemFactory)
    service = factory.SubFactory(VendorServiceFactory)
    mechanism = Mechanism.SERVER_API
    purpose = "Product analytics"
    data_subjects = factory.LazyFunction(lambda: ["users"])

    @factory.post_generation
    def shared(self, create, extracted, **kwargs):
        for category in extracted or ():
            DataFlowCategory.objects.create(flow=self, category=category, sharing=Sharing.SHARED)

    @factory.post_generation
    def not_shared(self, create, extracted, **kwargs):
        for category in extracted or ():
            DataFlowCategory.objects.create(flow=self, category=category, sharing=Sharing.NOT_SHARED)

    @factory.post_generation
    def dashboard_summary(self, create, extracted, **kwargs):
        # Test set-up writes the flow directly; the dashboard's summary rows follow as the services keep them.
        if create:
            from apps.dashboard.services import summaries_refresh

            summaries_refresh(vendor_ids=[self.vendor_id])
