"""The locked dependency set has no known vulnerability, our code has no high-severity bandit
finding, and the lock pins exactly what the project requires, at the versions installed."""

import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "config" / "requirements.lock"
# The installer itself: a fresh venv brings its own, and pinning it would make pip replace
# itself mid-install.
INSTALLER = {"pip", "setuptools"}


def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def required_closure() -> set[str]:
    """Every distribution `pip install -e ".[test]"` needs, following the installed metadata."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    todo = [("stagewise", ("test",))]
    while todo:
        name, extras = todo.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker and not any(
                requirement.marker.evaluate(env) for env in environments
            ):
                continue
            todo.append((requirement.name, tuple(sorted(requirement.extras))))
    return {name for name, _ in seen} - {"stagewise"} - INSTALLER


def test_the_lock_pins_every_distribution_the_project_requires():
    missing = required_closure() - set(locked())

    assert missing == set()


def test_the_lock_pins_every_dependency_named_in_pyproject():
    # The installed metadata lags pyproject.toml until the next install: check the source too.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    named = project["dependencies"] + project["optional-dependencies"]["test"]

    missing = {canonicalize_name(Requirement(r).name) for r in named} - set(locked())

    assert missing == set()


def test_the_lock_pins_nothing_the_project_does_not_require():
    assert set(locked()) - required_closure() == set()


def test_the_installed_versions_are_the_locked_ones():
    drift = {
        name: (pinned, metadata.version(name))
        for name, pinned in locked().items()
        if metadata.version(name) != pinned
    }

    assert drift == {}


def test_no_locked_dependency_has_a_known_vulnerability():
    result = run(
        "pip_audit",
        "--requirement",
        str(LOCK),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--timeout",
        "30",
    )
    if not result.stdout.strip():
        pytest.skip(f"no vulnerability service reachable: {result.stderr.strip().splitlines()[-1]}")
    dependencies = json.loads(result.stdout)["dependencies"]
    vulnerable = {d["name"]: [v["id"] for v in d["vulns"]] for d in dependencies if d.get("vulns")}
    unaudited = {d["name"]: d["skip_reason"] for d in dependencies if "skip_reason" in d}

    assert vulnerable == {}
    # pip-audit exits 0 and says "No known vulnerabilities found" even when it could look up
    # none of them: a service that knows no version of anything (Django included) is not
    # reachable in any useful sense, and that is reported as a skip with its reason.
    if len(unaudited) == len(dependencies):
        first = next(iter(unaudited.values()))
        pytest.skip(f"vulnerability service knows none of {len(dependencies)} pins: {first}")
    assert unaudited == {}
    assert result.returncode == 0, result.stderr
    assert "No known vulnerabilities found" in result.stderr


def bandit(*paths: str, output: Path) -> dict:
    # The report goes to a file: bandit draws its progress bar on stdout.
    result = run(
        "bandit",
        "--recursive",
        *paths,
        "--exclude",
        "*/migrations/*",
        "-lll",
        "--quiet",
        "--format",
        "json",
        "--output",
        str(output),
    )
    report = json.loads(output.read_text())
    report["returncode"] = result.returncode
    return report


def test_bandit_finds_no_high_severity_issue_in_our_code(tmp_path):
    report = bandit("assessment", "orgs", "config", output=tmp_path / "bandit.json")

    assert [(r["filename"], r["line_number"], r["test_id"]) for r in report["results"]] == []
    assert report["returncode"] == 0
    # An empty result is only worth something if the code was actually read.
    assert "orgs/permissions.py" in report["metrics"]
    assert report["metrics"]["_totals"]["loc"] > 1000


def test_bandit_as_run_here_reports_a_high_severity_issue(tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "risky.py").write_text(
        "import subprocess\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
    )

    report = bandit(str(tmp_path / "code"), output=tmp_path / "bandit.json")

    assert [(r["test_id"], r["issue_severity"]) for r in report["results"]] == [("B602", "HIGH")]
    assert report["returncode"] == 1
