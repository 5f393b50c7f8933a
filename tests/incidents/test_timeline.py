import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.incidents.exceptions import TimelineIsAppendOnly
from apps.incidents.models import TimelineEvent
from apps.incidents.selectors import incident_timeline
from apps.incidents.services import timeline_append
from tests.factories.incidents import IncidentFactory, IncidentSourceFactory, TimelineEventFactory

DAY = datetime.datetime(2025, 11, 25, tzinfo=datetime.UTC)


def test_an_event_is_appended_with_who_recorded_it(reviewer):
    incident = IncidentFactory()
    source = IncidentSourceFactory(incident=incident)
    event = timeline_append(
        incident=incident,
        kind="dataset_received",
        description="The vendor sent us the data set.",
        occurred_at=DAY,
        source=source,
        recorded_by=reviewer,
    )
    assert event.recorded_by == reviewer
    assert event.key.startswith("dataset_received-") or event.key.startswith("dataset-received-")
    assert list(incident.timeline.all()) == [event]


def test_editing_an_event_is_refused_and_nothing_changes(db):
    event = TimelineEventFactory(description="As first recorded.")
    event.description = "Rewritten history."
    with pytest.raises(TimelineIsAppendOnly, match="cannot be edited"):
        event.save()
    with pytest.raises(TimelineIsAppendOnly, match="cannot be edited"):
        TimelineEvent.objects.filter(pk=event.pk).update(description="Rewritten history.")
    assert TimelineEvent.objects.get(pk=event.pk).description == "As first recorded."


def test_deleting_an_event_is_refused(db):
    event = TimelineEventFactory()
    with pytest.raises(TimelineIsAppendOnly, match="cannot be deleted"):
        event.delete()
    with pytest.raises(TimelineIsAppendOnly, match="cannot be deleted"):
        TimelineEvent.objects.filter(pk=event.pk).delete()
    assert TimelineEvent.objects.filter(pk=event.pk).exists()


def test_a_correction_is_a_new_event_that_points_at_the_one_it_corrects(reviewer):
    wrong = TimelineEventFactory(occurred_at=DAY, description="Data set received on the 25th.")
    correction = timeline_append(
        incident=wrong.incident,
        kind="other",
        description="The data set arrived on the 24th.",
        occurred_at=DAY - datetime.timedelta(days=1),
        corrects=wrong,
        recorded_by=reviewer,
    )
    assert correction.kind == "correction"
    assert list(wrong.corrections.all()) == [correction]
    assert TimelineEvent.objects.get(pk=wrong.pk).description == "Data set received on the 25th."


def test_correcting_an_event_of_another_incident_is_refused(reviewer):
    other = TimelineEventFactory()
    with pytest.raises(ValidationError) as error:
        timeline_append(
            incident=IncidentFactory(), kind="correction", description="x", corrects=other, recorded_by=reviewer
        )
    assert "corrects" in error.value.message_dict


def test_an_event_without_a_date_is_kept_with_unknown_precision(reviewer):
    event = timeline_append(
        incident=IncidentFactory(),
        kind="vendor_notified_us",
        description="The vendor told us it was investigating (no date given).",
        recorded_by=reviewer,
    )
    assert event.occurred_at is None
    assert event.occurred_on_precision == "unknown"


def test_deleting_the_whole_incident_still_works(db):
    # Append-only protects the events of a live incident, not the removal of an incident recorded by mistake.
    event = TimelineEventFactory()
    cited = IncidentSourceFactory(incident=event.incident)
    TimelineEventFactory(incident=event.incident, corrects=event, source=cited)
    event.incident.delete()
    assert not TimelineEvent.objects.exists()


def test_undated_events_come_after_the_dated_ones_on_every_database(db):
    undated = TimelineEventFactory(occurred_at=None, occurred_on_precision="unknown")
    later = TimelineEventFactory(incident=undated.incident, occurred_at=DAY)
    earlier = TimelineEventFactory(incident=undated.incident, occurred_at=DAY - datetime.timedelta(days=16))
    assert list(incident_timeline(incident=undated.incident)) == [earlier, later, undated]
