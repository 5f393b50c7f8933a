import datetime

import factory

from apps.incidents.choices import ActionKind, ExposureStatus, Reliability, Severity, SourceKind, TimelineEventKind
from apps.incidents.models import (
    Incident,
    IncidentClaim,
    IncidentExposure,
    IncidentSource,
    ResponseAction,
    TimelineEvent,
)

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


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    incident = factory.SubFactory(IncidentFactory)
    key = factory.Sequence(lambda n: f"event-{n}")
    kind = TimelineEventKind.DETECTED
    occurred_at = datetime.datetime(2025, 11, 9, tzinfo=datetime.UTC)
    description = "The vendor detected the breach."


class ResponseActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponseAction

    incident = factory.SubFactory(IncidentFactory)
    key = factory.Sequence(lambda n: f"action-{n}")
    kind = ActionKind.NOTIFY_USERS
    description = "Notify affected users."
