"""The stack a load run drives: a fresh database (SQLite file or PostgreSQL), prepared as a deploy
would, seeded with one org, its draft and its respondents, served by gunicorn with the production
settings. Everything is torn down afterwards, whatever happens: server stopped, database dropped,
work folder removed."""

from __future__ import annotations

import atexit
import contextlib
import functools
import math
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.appserver import (
    PG_ADMIN_URL,
    AppServer,
    Browser,
    drop_database,
    fresh_database_url,
    manage,
    production_env,
    uses_postgresql,
)
from tests.load import dataset

BACKENDS = ("sqlite", "postgres")
PG_LIKE = "postgres://postgres@127.0.0.1:5432/"


def default_backend() -> str:
    return "postgres" if uses_postgresql(os.environ.get("DATABASE_URL", "")) else "sqlite"


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


@functools.cache
def collected_static() -> Path:
    """Static files collected once per process and shared by every stack it starts: they depend
    on the code only, and collecting (with compression) is the slowest step of a deploy."""
    root = Path(tempfile.mkdtemp(prefix="stagewise-load-static-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    manage(
        production_env(f"sqlite:///{root}/unused.sqlite3", root),
        "collectstatic",
        "--noinput",
        "-v0",
    )
    return root


class ServerLog:
    """Reads gunicorn's stderr as it comes: an unread pipe fills up under a burst of warnings
    and would stall the workers; the lines are kept to explain errors."""

    def __init__(self, stream):
        self.stream = stream
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self.stream:
            if len(self.lines) < 200:
                self.lines.append(line.rstrip())

    def close(self) -> None:
        self._thread.join(timeout=5)
        self.stream.close()


@dataclass
class Stack:
    backend: str
    server: AppServer
    data: dict
    log: ServerLog
    browsers: list[Browser] = field(default_factory=list)
    setup_seconds: float = 0.0

    @property
    def base_path(self) -> str:
        return f"/o/{self.data['org']}/a/{self.data['assessment']}/"

    def stored_answers(self) -> list[list[str]]:
        return dataset.run(self.server.env, "stored", self.data["assessment"])


def logged_in(base_url: str, emails: list[str]) -> list[Browser]:
    """One browser per respondent, each logged in through the real login form."""

    def login(email: str) -> Browser:
        browser = Browser(base_url)
        browser.login(email, dataset.PASSWORD)
        return browser

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(login, emails))


@contextlib.contextmanager
def running_stack(backend: str, respondents: int, purpose: str, workers: int = 2):
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    began = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix=f"stagewise-{purpose}-"))
    name = f"stagewise_{purpose}_{os.getpid()}"
    database_url = fresh_database_url(
        name, workdir, like=PG_LIKE if backend == "postgres" else "sqlite:"
    )
    server = None
    log = None
    try:
        env = production_env(database_url, collected_static())
        data = dataset.run(env, "seed", "--respondents", str(respondents))
        server = AppServer(env, workers=workers)
        with server:
            log = ServerLog(server.process.stderr)
            stack = Stack(backend, server, data, log)
            try:
                try:
                    stack.browsers = logged_in(server.base_url, data["respondents"])
                except RuntimeError as exc:
                    time.sleep(0.5)  # let the reader catch up with gunicorn's last words
                    raise RuntimeError("\n".join([str(exc), *log.lines[-30:]])) from exc
                stack.setup_seconds = time.monotonic() - began
                yield stack
            finally:
                for browser in stack.browsers:
                    browser.close()
    finally:
        if log is not None:
            log.close()
        elif server is not None and server.process is not None:
            server.process.stderr.close()
        drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of `values` (share in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(max(1, math.ceil(share * len(ordered))), len(ordered))
    return ordered[rank - 1]


def table(rows: list[dict[str, object]]) -> str:
    """Rows of equal keys as an aligned text table."""
    if not rows:
        return ""
    heads = list(rows[0])
    cells = [[str(row[head]) for head in heads] for row in rows]
    widths = [max(len(head), *(len(line[i]) for line in cells)) for i, head in enumerate(heads)]
    lines = ["  ".join(head.ljust(width) for head, width in zip(heads, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += [
        "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
        for line in cells
    ]
    return "\n".join(lines)
