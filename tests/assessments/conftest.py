import pytest

from tests.factories import login_verified as log_in_verified

from .test_api import secret_quiz  # noqa: F401 - shared by the API and page leakage tests


@pytest.fixture
def login_verified(client):
    """Log a user in past two-factor authentication (required of department admins and superusers)."""
    return lambda user: log_in_verified(client, user)
