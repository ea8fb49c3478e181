"""Fixtures for reliability tests: a database that concurrent threads can really share."""

import contextlib
import sqlite3

import pytest
from django.db import connection, connections


@contextlib.contextmanager
def _sqlite_on_file(path):
    """Point the default alias, for this thread and every thread started meanwhile, at a file
    copy of the SQLite test database, then put the in-memory one back."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    memory_settings, memory_connection = connections.settings["default"], connections["default"]
    on_file = {**memory_settings, "NAME": str(path)}
    # Threads build their connection from connections.settings; this thread has one already.
    connections.settings["default"] = on_file
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = memory_settings
        connections["default"] = memory_connection


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database that threads share the way production processes do.

    PostgreSQL: the test database as it is (no outer test transaction, so threads see each
    other's commits). SQLite: pytest-django's in-memory test database is one shared-cache
    database whose table locks fail at once with "database table is locked" instead of
    waiting out the busy timeout, unlike the WAL file database the app runs on. So the test
    runs on a file copy with the app's own connection options (WAL, BEGIN IMMEDIATE, 20 s
    timeout). Data made before this fixture stays behind in memory: request it first.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with _sqlite_on_file(tmp_path / "shared.sqlite3"):
        yield
