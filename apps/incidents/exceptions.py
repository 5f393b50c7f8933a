"""Errors of the incidents app."""

from apps.core.exceptions import TransitionRefused


class TimelineIsAppendOnly(TransitionRefused):
    """An edit or a deletion of a timeline event: the timeline only grows, a correction is a new event."""

    def __init__(self, message):
        super().__init__(message, code="timeline_append_only")
