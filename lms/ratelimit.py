"""The one rate limiter: claim, activation, registration, contest entry and certificate verification.

Each call counts one event and answers in the same atomic step, never read-then-write (a
read followed by a write let 36 of 40 parallel claims through a limit of 10):

* with ``REDIS_URL``, a Lua script runs INCR and, on a window's first event, EXPIRE, as one
  command on the Redis server;
* on the embedded shape (SQLite, file cache), one ``INSERT ... ON CONFLICT DO UPDATE ...
  RETURNING`` on ``lms.RateLimitCounter``: SQLite's write lock (PostgreSQL's row lock) serialises
  the increments. Django's file cache has no atomic ``incr``, so it is not used.

A window is fixed: it opens at the first event of (scope, key) and lasts ``period`` seconds.
``tests/lms/test_ratelimit.py`` pins both paths with a parallel burst.
"""
from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.db import connection
from django.db.models import F

from .http import client_ip
from .models import RateLimitCounter

REDIS_PREFIX = "lms:ratelimit"
KEY_MAX_LENGTH = 191

# KEYS[1] the counter; ARGV[1] the period. The window starts at the first event (TTL set once).
_REDIS_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('TTL', KEYS[1]) < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""
# A success given back: never below zero, never creating a key.
_REDIS_UNDO = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
    return redis.call('DECR', KEYS[1])
end
return 0
"""


def hit(scope: str, key: str, *, limit: int, period: int) -> bool:
    """Count one event for (scope, key); True while the window's count is <= ``limit``, False once over.

    Over the limit, events are still counted (a client that keeps trying stays blocked until the
    window ends).
    """
    key = _bounded(key)
    if settings.REDIS_URL:
        count = _redis().eval(_REDIS_HIT, 1, _redis_key(scope, key), int(period))
    else:
        count = _database_hit(scope, key, period)
    return int(count) <= limit


def undo(scope: str, key: str) -> None:
    """Give one event of the current window back (a success that should not count toward the limit)."""
    key = _bounded(key)
    if settings.REDIS_URL:
        _redis().eval(_REDIS_UNDO, 1, _redis_key(scope, key))
        return
    RateLimitCounter.objects.filter(scope=scope, key=key, count__gt=0, window_ends__gt=time.time()).update(
        count=F("count") - 1)


def reset(scope: str, key: str) -> None:
    """Forget (scope, key)'s window: its next event starts a new one."""
    key = _bounded(key)
    if settings.REDIS_URL:
        _redis().delete(_redis_key(scope, key))
        return
    RateLimitCounter.objects.filter(scope=scope, key=key).delete()


def client_key(request) -> str:
    """The key of the client's address (``lms.http.client_ip``); "unknown" when there is none."""
    return client_ip(request) or "unknown"


def purge_expired(*, now: float | None = None) -> int:
    """Delete the database counters whose window has ended; returns how many."""
    deleted, _ = RateLimitCounter.objects.filter(window_ends__lte=now or time.time()).delete()
    return deleted


def _bounded(key: str) -> str:
    key = str(key)
    if len(key) <= KEY_MAX_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _redis_key(scope: str, key: str) -> str:
    return f"{REDIS_PREFIX}:{scope}:{key}"


def _redis():
    return _redis_client(settings.REDIS_URL)


@functools.lru_cache(maxsize=4)
def _redis_client(url: str):
    import redis  # only the Redis shape needs it

    return redis.Redis.from_url(url)


def _database_hit(scope: str, key: str, period: int) -> int:
    """One statement: insert the window's first event or count one more (a new window if it ended).

    Raw SQL because the ORM has no upsert with an expression (``bulk_create`` only copies the new
    row's values); SQLite >= 3.35 and PostgreSQL both run it. In SET, every column reads the
    row's old values, so ``count`` and ``window_ends`` agree on whether the window ended.
    """
    now = time.time()
    quote = connection.ops.quote_name
    table, scope_, key_, count, ends_ = (quote(name) for name in (
        RateLimitCounter._meta.db_table, "scope", "key", "count", "window_ends"))
    sql = (
        f"INSERT INTO {table} ({scope_}, {key_}, {count}, {ends_}) VALUES (%s, %s, 1, %s) "
        f"ON CONFLICT ({scope_}, {key_}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{ends_} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
        f"{ends_} = CASE WHEN {table}.{ends_} <= %s THEN %s ELSE {table}.{ends_} END "
        f"RETURNING {count}"
    )
    ends = now + period
    # autocommit: the statement is its own transaction, holding the lock only while it runs
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, key, ends, now, now, ends])
        return cursor.fetchone()[0]
