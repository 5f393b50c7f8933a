"""The lock files cover their inputs: every pin in requirements*.txt is in the matching lock, at the same version,
with hashes. A requirement added without `make lock` (or a merge that brings one) fails here, not at install time."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==(\S+)")


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        if line.startswith("-r "):
            pins |= _pins(path.parent / line.split()[1])
        elif match := PIN.match(line.strip()):
            pins[re.sub(r"\[.*\]", "", match[1]).lower().replace("_", "-")] = match[2]
    return pins


def _locked(path: Path) -> dict[str, str]:
    text = path.read_text()
    return {
        name.lower().replace("_", "-"): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\", text, re.M)
    }


@pytest.mark.parametrize(("inputs", "lock"), [("requirements.txt", "requirements.lock"),
                                              ("requirements-dev.txt", "requirements-dev.lock")])  # fmt: skip
def test_every_requirement_is_locked_at_its_pinned_version(inputs, lock):
    pinned, locked = _pins(ROOT / inputs), _locked(ROOT / lock)
    stale = {name: (version, locked.get(name)) for name, version in pinned.items() if locked.get(name) != version}
    assert not stale, f"{lock} is stale ({{name: (pinned, locked)}}: {stale}); run `make lock`"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_a_hash(lock):
    entries = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", (ROOT / lock).read_text())
    packages = [entry for entry in entries if re.match(r"[A-Za-z0-9_.-]+==", entry)]
    assert packages and all("--hash=sha256:" in entry for entry in packages)
