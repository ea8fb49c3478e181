"""What a newcomer meets first: `make` lists every target, and `make run PORT=...` serves, and
tells the demo's address, on the port given."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]
TARGET = re.compile(r"^([a-z][\w-]*):(?!=)", re.MULTILINE)


def _make(*args: str) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_make_alone_lists_every_target_on_one_line_each():
    targets = set(TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    assert {"run", "test", "help", "install"} <= targets
    lines = _make("-s").splitlines()
    listed = [line.split()[1] for line in lines if line.startswith("make ")]
    assert sorted(listed) == sorted(targets)
    assert len(lines) == len(listed)  # one line per target, nothing wrapped


def test_make_run_with_a_port_serves_and_prints_that_port():
    # A dry run (-n) prints the recipes without running them.
    recipe = _make("-n", "run", "PORT=8001")
    assert "runserver 127.0.0.1:8001" in recipe
    assert "PORT=8001" in next(line for line in recipe.splitlines() if "demo_data" in line)
    assert "http://127.0.0.1:8001/" in recipe and "var/worker-8001.log" in recipe
    assert "8000" not in recipe


def test_readme_commands_name_the_venv_and_development_settings():
    """`python manage.py ...` fails on a fresh clone (no venv on the path, DEBUG off needs a
    SECRET_KEY): every command the README gives runs the venv's Python, and outside the
    production section with DEBUG=1."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    development, production = readme.split("## Production", 1)
    commands = [
        line.strip()
        for block in development.split("```sh")[1:]
        for line in block.split("```")[0].splitlines()
        if "manage.py" in line
    ]
    assert len(commands) >= 5
    for command in commands:
        assert command.startswith("DEBUG=1 .venv/bin/python manage.py "), command
    assert "python manage.py" not in production.replace(".venv/bin/python manage.py", "")
