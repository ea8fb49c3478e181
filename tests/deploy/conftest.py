"""Fixtures for deployment tests: real gunicorn servers on loopback (see deployment.py)."""

from collections.abc import Iterator

import pytest

from tests.deploy.deployment import Deployment, deployment_running


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory) -> Iterator[Deployment]:
    """Two app servers on two loopback ports, one database, one set of static files."""
    with deployment_running(tmp_path_factory.mktemp("deploy"), servers=2) as deployment:
        yield deployment


@pytest.fixture(scope="module")
def one_server(tmp_path_factory) -> Iterator[Deployment]:
    with deployment_running(tmp_path_factory.mktemp("deploy"), servers=1) as deployment:
        yield deployment
