"""The one rate limiter: a parallel burst lets exactly ``limit`` events through, on both shapes.

The database path (embedded shape) runs on the test database: a file on SQLite, PostgreSQL in
CI. The Redis path runs when a Redis answers (CI sets REDIS_URL; locally one on 127.0.0.1:6379).
"""
import os
import uuid

import pytest

from lms import ratelimit
from lms.models import RateLimitCounter
from tests.bursts import burst

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture(params=["database", "redis"])
def shape(request, settings):
    """The limiter's backend: the database (REDIS_URL empty) or Redis."""
    if request.param == "redis":
        if not _redis_available():
            pytest.skip("no Redis at REDIS_URL")
        settings.REDIS_URL = REDIS_URL
    else:
        settings.REDIS_URL = ""
    return request.param


@pytest.mark.django_db(transaction=True)
def test_a_parallel_burst_lets_exactly_the_limit_through(shape):
    # given 40 clients at once against a limit of 10
    scope, key = f"test-{uuid.uuid4().hex}", "203.0.113.7"

    # when
    results = burst(40, lambda: ratelimit.hit(scope, key, limit=10, period=60))

    # then
    assert results.count(True) == 10
    assert results.count(False) == 30


@pytest.mark.django_db(transaction=True)
def test_undo_gives_an_event_back_and_reset_starts_over(shape):
    scope, key = f"test-{uuid.uuid4().hex}", "203.0.113.8"
    assert [ratelimit.hit(scope, key, limit=2, period=60) for _ in range(2)] == [True, True]
    ratelimit.undo(scope, key)
    assert ratelimit.hit(scope, key, limit=2, period=60) is True
    assert ratelimit.hit(scope, key, limit=2, period=60) is False
    ratelimit.reset(scope, key)
    assert ratelimit.hit(scope, key, limit=2, period=60) is True
    # keys are counted apart
    assert ratelimit.hit(scope, "198.51.100.1", limit=0, period=60) is False
    assert ratelimit.hit(f"{scope}-other", key, limit=1, period=60) is True


@pytest.mark.django_db
def test_an_ended_window_starts_a_new_count_and_is_purged(settings, time_machine):
    settings.REDIS_URL = ""
    scope, key = f"test-{uuid.uuid4().hex}", "203.0.113.9"
    time_machine.move_to("2026-12-01 08:00:00+07:00", tick=False)
    assert [ratelimit.hit(scope, key, limit=1, period=3600) for _ in range(2)] == [True, False]

    time_machine.move_to("2026-12-01 09:00:01+07:00", tick=False)
    assert ratelimit.hit(scope, key, limit=1, period=3600) is True

    time_machine.move_to("2026-12-01 10:00:02+07:00", tick=False)
    assert ratelimit.purge_expired() == 1
    assert not RateLimitCounter.objects.filter(scope=scope).exists()


def test_the_client_key_is_the_client_address(rf, settings):
    settings.TRUST_X_REAL_IP = False
    assert ratelimit.client_key(rf.get("/", REMOTE_ADDR="203.0.113.5")) == "203.0.113.5"
    assert ratelimit.client_key(rf.get("/", REMOTE_ADDR="")) == "unknown"
