"""Production: secure cookies, HTTPS, HSTS. DJANGO_SECRET_KEY must be set."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import PERSONAL_DATA_INDEX_KEY, PERSONAL_DATA_KEYS, SECRET_KEY, env, env_bool, env_int

DEBUG = False
if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random string of at least 50 characters.")
if not env("PERSONAL_DATA_KEYS") or not env("PERSONAL_DATA_INDEX_KEY"):
    raise ImproperlyConfigured("Set PERSONAL_DATA_KEYS and PERSONAL_DATA_INDEX_KEY (manage.py "
                               "rotate_personal_data_keys --new-key prints a key); see the README.")


def _is_key(text: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))) == 32
    except (binascii.Error, ValueError):
        return False


if not all(_is_key(key) for key in [*PERSONAL_DATA_KEYS, PERSONAL_DATA_INDEX_KEY]) \
        or PERSONAL_DATA_INDEX_KEY in PERSONAL_DATA_KEYS:
    raise ImproperlyConfigured("PERSONAL_DATA_KEYS and PERSONAL_DATA_INDEX_KEY must be different keys, each "
                               "URL-safe base64 of 32 random bytes.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
