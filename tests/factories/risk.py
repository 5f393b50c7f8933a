import factory

from apps.risk.models import Baseline, SecurityRequirement, VendorRequirement

from .vendors import VendorFactory


class SecurityRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityRequirement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"req-{n}")
    title = factory.LazyAttribute(lambda r: f"Requirement {r.code}")


class BaselineFactory(factory.django.DjangoModelFactory):
    """A baseline; `requirements=[…]` sets its requirements."""

    class Meta:
        model = Baseline
        skip_postgeneration_save = True

    tier = 1
    version = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda b: f"Tier {b.tier} v{b.version}")
    review_cadence_months = 12
    is_current = True

    @factory.post_generation
    def requirements(self, create, extracted, **kwargs):
        if create and extracted:
            self.requirements.set(extracted)


class VendorRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorRequirement
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    requirement = factory.SubFactory(SecurityRequirementFactory)
    status = "not_met"

    @factory.post_generation
    def compliance_counts(self, create, extracted, **kwargs):
        # Test set-up writes the status directly; the dashboard's compliance counts follow as the services keep them.
        if create:
            from apps.risk.compliance import compliance_refresh

            compliance_refresh(vendor_ids=[self.vendor_id])
