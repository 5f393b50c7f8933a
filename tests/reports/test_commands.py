import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories.incidents import IncidentFactory
from tests.factories.vendors import VendorFactory


def test_dataflow_report_writes_the_file_in_the_format_asked(mixpanel, tmp_path):
    target = tmp_path / "mixpanel.json"
    call_command("dataflow_report", "mixpanel", "--format", "json", "--output", str(target))
    assert json.loads(target.read_text())["vendor"]["slug"] == "mixpanel"
    assert list(tmp_path.iterdir()) == [target], "no temporary file is left behind"


def test_incident_report_by_slug_or_id_to_stdout(mixpanel, capsys):
    _, incident = mixpanel
    call_command("incident_report", "mixpanel-2025-11", "--format", "md")
    by_slug = capsys.readouterr().out
    call_command("incident_report", str(incident.pk), "--format", "md")
    assert capsys.readouterr().out == by_slug
    assert "384 h" in by_slug


def test_incident_notice_prints_the_notice_in_the_language_asked(mixpanel, capsys):
    call_command("incident_notice", "mixpanel-2025-11", "--lang", "es")
    assert "Dirección de correo electrónico" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("dataflow_report", "no-such-vendor", "--format", "json"), "no vendor with slug 'no-such-vendor'"),
        (("dataflow_report", "mixpanel", "--format", "pdf"), "unknown format 'pdf'"),
        (("incident_report", "no-such-incident", "--format", "md"), "no incident with slug or id 'no-such-incident'"),
        (("incident_report", "99999", "--format", "csv"), "no incident with slug or id '99999'"),
        (("incident_report", "mixpanel-2025-11", "--format", "docx"), "unknown format 'docx'"),
    ],
)
def test_bad_input_is_one_line_and_writes_no_file(db, tmp_path, args, message):
    IncidentFactory(slug="mixpanel-2025-11", vendor=VendorFactory(slug="mixpanel"))
    target = tmp_path / "out"
    with pytest.raises(CommandError) as error:
        call_command(*args, "--output", str(target))
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("incident_notice", "mixpanel-2025-11", "--lang", "de"), "unknown language 'de'"),
        (("incident_notice", "nope", "--lang", "fr"), "no incident with slug or id 'nope'"),
    ],
)
def test_notice_bad_input_is_one_line(db, args, message):
    IncidentFactory(slug="mixpanel-2025-11")
    with pytest.raises(CommandError, match=message):
        call_command(*args)


def test_unwritable_output_is_a_command_error(db, tmp_path):
    VendorFactory(slug="mixpanel")
    with pytest.raises(CommandError, match="cannot write"):
        call_command("dataflow_report", "mixpanel", "--output", str(tmp_path / "missing-dir" / "x.json"))


def test_bad_input_exits_non_zero_from_the_shell(tmp_path):
    """The real door: a process, its exit status and its one-line message on stderr."""
    import subprocess
    import sys

    from django.conf import settings

    target = tmp_path / "report.html"
    result = subprocess.run(
        [sys.executable, "manage.py", "dataflow_report", "mixpanel", "--format", "pdf", "--output", str(target)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "vendorrisk.settings.test", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == "CommandError: unknown format 'pdf': choose one of json, md, html, csv"
    assert not target.exists()
