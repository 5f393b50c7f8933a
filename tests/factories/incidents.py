import datetime

import factory

from apps.incidents.choices import ExposureStatus, Reliability, Severity, SourceKind
from apps.incidents.models import Incident, IncidentClaim, IncidentExposure, IncidentSource

from .datamap import DataCategoryFactory
from .vendors import VendorFactory


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    slug = factory.Sequence(lambda n: f"incident-{n}")
    vendor = factory.SubFactory(VendorFactory)
    title = factory.LazyAttribute(lambda i: f"Breach at {i.vendor}")
    severity = Severity.HIGH
    vendor_detected_at = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)
    vendor_notified_at = datetime.datetime(2025, 11, 25, tzinfo=datetime.UTC)


class IncidentSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentSource

    incident = factory.SubFactory(IncidentFactory)
    key = factory.Sequence(lambda n: f"source-{n}")
    kind = SourceKind.OFFICIAL_NOTICE
    title = "Official notice"
    reliability = Reliability.HIGH


class IncidentExposureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentExposure

    incident = factory.SubFactory(IncidentFactory)
    category = factory.SubFactory(DataCategoryFactory)
    status = ExposureStatus.EXPOSED


class IncidentClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentClaim

    incident = factory.SubFactory(IncidentFactory)
    key = factory.Sequence(lambda n: f"claim-{n}")
    source = factory.SubFactory(IncidentSourceFactory, incident=factory.SelfAttribute("..incident"))
    kind = "exposure"
    category = factory.SubFactory(DataCategoryFactory)
    exposure_status = ExposureStatus.EXPOSED
    statement = "The category was exposed."
