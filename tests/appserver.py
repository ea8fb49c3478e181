"""Real app servers for load and deployment tests: gunicorn with the production settings profile,
on loopback, against a database of its own. Used by tests/load (the `make loadtest` scripts) and
tests/deploy (two app servers, one database).

Production settings mean DEBUG off, secure cookies, HSTS and an HTTPS redirect. The servers sit
"behind a TLS proxy" the way they would in production: `SECURE_PROXY_SSL_HEADER=1`, and the
`Browser` below sends `X-Forwarded-Proto: https` and keeps its cookies itself (the standard
library's cookie jar would not send a Secure cookie over plain HTTP).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BANK = ROOT / "assessment" / "content" / "cs-maturity-v1.yaml"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uses_postgresql(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql://"))


def fresh_database_url(name: str, workdir: Path, like: str | None = None) -> str:
    """A new empty database: on PostgreSQL when `like` (default: $DATABASE_URL) points there,
    else a SQLite file in `workdir`."""
    like = like if like is not None else os.environ.get("DATABASE_URL", "")
    if uses_postgresql(like):
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:5432/{name}"
    path = workdir / f"{name}.sqlite3"
    for leftover in workdir.glob(f"{name}.sqlite3*"):
        leftover.unlink()
    return f"sqlite:///{path}"


def drop_database(database_url: str) -> None:
    if not uses_postgresql(database_url):
        return
    import psycopg

    name = urllib.parse.urlparse(database_url).path.lstrip("/")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """The production settings profile, as an operator would set it (see docs/deploy.md)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="loopback-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        SECURE_PROXY_SSL_HEADER="1",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(env: dict[str, str]) -> None:
    """Migrate, load the question bank and collect static files, as a deploy would."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_questionnaire", str(BANK))
    manage(env, "collectstatic", "--noinput", "-v0")


@dataclass
class AppServer:
    """gunicorn on 127.0.0.1:<port>; a context manager that waits for /healthz/ and stops it."""

    env: dict[str, str]
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> AppServer:
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.process.stderr.read()}")
            with contextlib.suppress(OSError):
                if Browser(self.base_url).get("/healthz/").status == 200:
                    return self
            time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer /healthz/ within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            # An unclosed pipe is a ResourceWarning: an error under the suite's filterwarnings.
            self.process.stderr.close()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """A minimal HTTP client with its own cookies, one keep-alive connection per server.
    `base_url` can change between requests (a load balancer sending the next request to another
    app server); the cookies go along."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self._connections: dict[str, http.client.HTTPConnection] = {}

    def _connection(self) -> http.client.HTTPConnection:
        netloc = urllib.parse.urlparse(self.base_url).netloc
        if netloc not in self._connections:
            host, port = netloc.split(":")
            self._connections[netloc] = http.client.HTTPConnection(host, int(port), timeout=30)
        return self._connections[netloc]

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        sent = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = "https://127.0.0.1" + path
            if "csrftoken" in self.cookies:
                sent["X-CSRFToken"] = self.cookies["csrftoken"]
        sent.update(headers or {})
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=sent)
                raw = conn.getresponse()
                payload = raw.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed: reconnect once.
                conn.close()
                self._connections.pop(urllib.parse.urlparse(self.base_url).netloc, None)
                if attempt == 2:
                    raise
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, payload)

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict, headers: dict | None = None) -> Response:
        return self.request("POST", path, data=data, headers=headers)

    def login(self, email: str, password: str) -> None:
        page = self.get("/accounts/login/")
        token = CSRF_INPUT.search(page.text)
        if token is None:
            raise RuntimeError(f"no login form (status {page.status})")
        done = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password},
        )
        if done.status != 302:
            raise RuntimeError(f"login as {email} failed with status {done.status}")

    def close(self) -> None:
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()
