import datetime

import factory

from apps.vendors.choices import VendorCategory, VendorStatus
from apps.vendors.models import Contact, Contract, Document, Subprocessor, Vendor, VendorService


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"vendor-{n}")
    legal_name = factory.LazyAttribute(lambda v: f"{v.slug.title()} Inc.")
    display_name = factory.LazyAttribute(lambda v: v.slug.replace("-", " ").title())
    website = factory.LazyAttribute(lambda v: f"https://{v.slug}.example.com")
    hq_country = "US"
    category = VendorCategory.ANALYTICS
    status = VendorStatus.ACTIVE


class VendorServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorService

    vendor = factory.SubFactory(VendorFactory)
    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda s: s.slug.replace("-", " ").title())


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    vendor = factory.SubFactory(VendorFactory)
    reference = factory.Sequence(lambda n: f"contract-{n}")
    starts_on = datetime.date(2024, 1, 1)
    breach_notification_hours = 72
    dpa_signed_on = datetime.date(2024, 1, 1)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    vendor = factory.SubFactory(VendorFactory)
    kind = "soc2_type2"
    title = "SOC 2 Type II report"
    issued_on = datetime.date(2025, 6, 1)
    expires_on = datetime.date(2026, 12, 31)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@vendor.example.com")


class SubprocessorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subprocessor

    vendor = factory.SubFactory(VendorFactory)
    subprocessor = factory.SubFactory(VendorFactory, category=VendorCategory.HOSTING)
    purpose = "Hosting"
    country = "US"
