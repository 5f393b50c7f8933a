"""`.ci/audit` passes only on a real audit: an empty one fails where vulnerability data was reachable."""

import os
import stat
import subprocess

import pytest
from django.conf import settings

# A stand-in for pip-audit: the installed-packages run skips everything; the probe (`-r FILE`) answers as told.
STUB = """#!/usr/bin/env bash
if [[ " $* " == *" -r "* ]]; then
  {probe}
  exit 0
fi
.venv/bin/pip list --format freeze | while IFS== read -r name _; do
  echo "$name Dependency not found on PyPI and could not be audited: $name"
done
"""
PROBE_FINDS_ADVISORY = 'echo "django 3.2 PYSEC-2021-98 3.2.1"'
PROBE_FINDS_NOTHING = 'echo "django Dependency not found on PyPI and could not be audited: django (3.2)"'


def run_audit(tmp_path, probe):
    stub = tmp_path / "pip-audit"
    stub.write_text(STUB.format(probe=probe))
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    return subprocess.run(
        ["bash", ".ci/audit"],
        env={**os.environ, "PIP_AUDIT": str(stub)},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("probe", "returncode", "message"),
    [
        (PROBE_FINDS_ADVISORY, 3, "vulnerability data is reachable but none"),
        (PROBE_FINDS_NOTHING, 0, "serves no vulnerability data"),
    ],
)
def test_an_audit_of_nothing_fails_only_where_advisories_were_reachable(tmp_path, probe, returncode, message):
    result = run_audit(tmp_path, probe)
    assert result.returncode == returncode, result.stdout + result.stderr
    assert message in result.stderr
