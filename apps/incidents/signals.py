"""Domain signals of the incidents app, sent by its services inside their transaction.

Receivers that enqueue work must do it with `transaction.on_commit`, so a rolled-back write triggers nothing.
"""

from django.dispatch import Signal

# Sent once a new incident is saved. Arguments: incident. (Issue 5 puts a high/critical incident's vendor
# under review; issue 9 notifies people.)
incident_recorded = Signal()
