import uuid

import pytest

from tests.factories import make_catalog, make_course, make_profile, make_user


@pytest.fixture(autouse=True)
def certificate_settings(settings, tmp_path, monkeypatch):
    """Each test signs with its own key and counts verification misses under its own cache keys
    (the cache may be a Redis shared with other tests: nothing is flushed)."""
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "keys" / "issuer.pem")
    settings.SITE_URL = "http://testserver"
    monkeypatch.setattr("certificates.ratelimit.SCOPE", f"test-verify-misses-{uuid.uuid4().hex}")
    return settings


@pytest.fixture
def course(db):
    return make_course(make_catalog(), title="Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật",
                       estimated_hours=6)


@pytest.fixture
def learner(province):
    user = make_user("huong", email="huong@example.org")
    make_profile(province["hamlet"], "Nguyễn Thị Hường", user=user)
    return user


@pytest.fixture
def other_learner(province):
    user = make_user("uoc", email="uoc@example.org")
    make_profile(province["tanan"], "Đặng Văn Ước", user=user)
    return user
