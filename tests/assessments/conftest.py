import pytest

from .test_api import secret_quiz  # noqa: F401 - shared by the API and page leakage tests


@pytest.fixture
def login_verified(client):
    """Log a user in past two-factor authentication (required of department admins and superusers)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(user):
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login
