"""Tests: tasks run eagerly, fast hashing, in-memory e-mail.

DATABASE_URL and REDIS_URL still apply, so CI runs on PostgreSQL and Redis.
"""
from .base import *  # noqa: F401,F403
from .base import CACHES, REDIS_URL

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
