"""Domain signals of intake. Sent by services inside their transaction; receivers that enqueue work use on_commit."""

import django.dispatch

# Sent with intake_request= once a request is submitted and the vendor, flows and review exist.
intake_submitted = django.dispatch.Signal()
