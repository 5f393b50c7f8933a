"""Intake's "check tier" lists a peer-scoped requirement only when the tightening would reach the vendor."""

from types import SimpleNamespace

from apps.intake.feedback import _tightening_reaches

CRM = SimpleNamespace(slug="crm")
PIPELINE = SimpleNamespace(slug="deploy-pipeline")


def test_a_system_scoped_tightening_reaches_only_requests_from_that_system():
    scope = {"system": "crm", "mechanism": "server_api"}
    from_crm = {"systems": [CRM], "mechanism": "server_api"}
    from_pipeline = {"systems": [PIPELINE], "mechanism": "server_api"}
    assert _tightening_reaches(scope, tier=2, answers=from_crm, category_paths=[])
    assert not _tightening_reaches(scope, tier=2, answers=from_pipeline, category_paths=[])
    assert not _tightening_reaches(scope, tier=2, answers={"mechanism": "server_api"}, category_paths=[])
