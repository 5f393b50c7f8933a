"""People read times in the Markdown and HTML reports; tools read ISO timestamps in the JSON."""

import json

from django.core.management import call_command

from apps.reports.formatting import readable_time


def test_readable_time_is_minutes_in_utc():
    assert readable_time("2025-11-09T00:00:00+00:00") == "2025-11-09 00:00 UTC"
    assert readable_time("2025-11-09T10:30:15.123456+02:00") == "2025-11-09 08:30 UTC"
    assert readable_time(None) == ""


def test_markdown_shows_readable_times_and_json_keeps_iso(demo_data, capsys):
    call_command("incident_report", "mixpanel-2025-11", "--format", "md")
    markdown = capsys.readouterr().out
    assert "Vendor detected: 2025-11-09 00:00 UTC" in markdown
    assert "T00:00:00" not in markdown
    call_command("incident_report", "mixpanel-2025-11", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["notification"]["vendor_detected_at"].startswith("2025-11-09T00:00:00")
