"""Schemathesis fuzzes every operation of the OpenAPI schema as each role: no 500, no response that breaks
the schema. Bounded in examples so the suite stays fast; FUZZ_MAX_EXAMPLES=50 makes a deeper run.

One test per role walks every operation on one loaded register (the demo data), so that list and detail answers
carry real rows to check against the schema, and the data is loaded once per role rather than per operation. One
test per role, not one for all three, so that the suite's parallel workers share the pass instead of one worker
running all of it while the others wait at the end.
"""

import functools
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from apps.accounts.models import ApiToken
from tests.factories.accounts import UserFactory

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "4"))
ROLES = ("security-reviewer", "procurement", "dashboard")
# Server errors, answers whose status the schema does not list for the operation (apps/api/schema.py documents
# every error answer), and bodies or content types that contradict the schema.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]


def _first_line(error):
    # A failure group's own text is a count; its first member says what broke.
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else error.__class__.__name__


def _fuzzer(operation, application, headers, counter):
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def exercise(case):
        counter.append(1)
        response = case.call(app=application, headers=headers)
        case.validate_response(response, checks=CHECKS)

    return exercise


@pytest.fixture
def _connection_kept_across_requests():
    # A bare WSGIHandler closes the database connection when each request finishes (close_old_connections):
    # inside the test's transaction, PostgreSQL's connection would be gone after the first call. Django's test
    # client disconnects the same receiver for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@functools.cache
def _schema():
    # The same document for every role's test in this worker: generating it is a second or more of each test.
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.django_db
@pytest.mark.usefixtures("_connection_kept_across_requests")
@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_keeps_to_the_schema_as_each_role(demo_data, role):
    schema = schemathesis.openapi.from_dict(_schema())
    application = WSGIHandler()
    headers = {"Authorization": f"Token {ApiToken.objects.create(user=UserFactory(role=role))[1]}"}
    failures, cases = [], []
    # Reads first, then writes, so that the writes (deletes included) do not empty the register under the reads.
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: op.method != "get")
    for operation in operations:
        try:
            _fuzzer(operation, application, headers, cases)()
        except (Exception, BaseExceptionGroup) as error:  # every failure is collected: one run lists all
            failures.append(f"{operation.method.upper()} {operation.path} as {role}: {_first_line(error)}")
    print(f"schemathesis as {role}: {len(cases)} cases, {len(failures)} failures")  # noqa: T201 - the issue's summary
    assert not failures, "\n".join(failures)
    assert len(operations) > 20 and len(cases) >= len(operations)  # every operation was reached, at least once each
