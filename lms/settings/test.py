"""Tests: tasks run eagerly, fast hashing, in-memory e-mail.

DATABASE_URL and REDIS_URL still apply, so CI runs on PostgreSQL and Redis.
"""
import os

from .base import *  # noqa: F401,F403
from .base import CACHES, DATABASES, REDIS_URL, VAR_DIR

DEBUG = False
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = CACHES
AXES_ENABLED = True
# One id per test run, inherited by the workers and subprocesses the tests start, so
# two runs on one machine never share a database file or a media folder.
TEST_RUN = os.environ.setdefault("LMS_TEST_RUN", str(os.getpid()))
TEST_DIR = VAR_DIR / f"test-run-{TEST_RUN}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # a file, not memory: tests that start a real worker or a subprocess share it
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DIR / "db.sqlite3")}
    TEST_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = TEST_DIR / "media"
MEDIA_WORK_DIR = TEST_DIR / "work"
MEDIA_UPLOAD_DIR = TEST_DIR / "uploads"
