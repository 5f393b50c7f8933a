"""Django signals of the monitoring app: for notifications only (apps.notifications.receivers listens)."""

from django.dispatch import Signal as DjangoSignal

signal_opened = DjangoSignal()  # signal=
signal_confirmed = DjangoSignal()  # signal=, incident=
concentration_threshold_exceeded = DjangoSignal()  # finding=
