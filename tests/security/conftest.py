import pytest
from django.db import transaction

from tests.security.world import build_world


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The permission matrix's world (two orgs alike, see `build_world`), built once per module
    because ~1,700 requests run in it; rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def in_world(matrix_world, django_db_blocker):
    """The world, with whatever the test changes undone afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield matrix_world
        transaction.set_rollback(True)
