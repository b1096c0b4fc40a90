"""Base settings: every setting the platform has, each read from the environment.

The defaults run the *embedded shape*: SQLite under ``var/``, media under
``var/media/``, a Celery broker on the local filesystem (no server needed).
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis for the cache
and the broker, ``CELERY_BROKER_URL`` to any other broker.
The README's configuration table lists every variable read here.
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_SITE_NAME = env("SITE_NAME", "Nền tảng bồi dưỡng PBGDPL")
# Slugs are ASCII (ky-nang-so, not k%E1%BB%B9-n%C4%83ng-s%E1%BB%91): the admin transliterates as the title is typed
WAGTAIL_ALLOW_UNICODE_SLUGS = False

INSTALLED_APPS = [
    "lms",
    "people",
    "assessments",
    "media_pipeline",
    "courses",
    "enrollment",
    "certificates",
    "reporting",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every page, API answer and file Django serves
    "lms.security_headers.SecurityHeadersMiddleware",
    # The request's audit events, written in one insert once the response is ready (lms.audit).
    "lms.audit.AuditMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "people.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Wagtail's pages routed from a cached Site and catalog (process_view of wagtail's serve only)
    "courses.middleware.CachedRouteMiddleware",
    # axes last: it inspects the response of the login views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "people.context_processors.roles",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes a roster import.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # Connections are kept (DATABASE_CONN_MAX_AGE) as on PostgreSQL: opening one costs a file open
    # and the PRAGMAs above on every request. Django keeps one per thread and closes a broken one;
    # in autocommit no read transaction stays open between requests, so WAL checkpoints go on.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # acks_late tasks are handed out again after this long: longer than any transcode
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 6 * 3600)}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# Long media jobs go to their own queue, so many worker machines can share them.
CELERY_TASK_ROUTES = {"media_pipeline.tasks.*": {"queue": "media"}}
# Periodic jobs live here and nowhere else.
CELERY_BEAT_SCHEDULE: dict = {
    "media-clean-scratch": {"task": "media_pipeline.tasks.clean_scratch", "schedule": 3600.0},
    "courses-publish-scheduled": {"task": "courses.tasks.publish_scheduled_pages", "schedule": 60.0},
    # Attempts whose time ran out are closed and graded on their saved answers.
    "assessments-close-expired-attempts": {
        "task": "assessments.tasks.close_expired_attempts", "schedule": 60.0,
    },
    # Learners whose course is due within a week get one reminder (hourly pass; each is sent once).
    "enrollment-send-due-reminders": {"task": "enrollment.tasks.send_due_reminders", "schedule": 3600.0},
    # Ended rate-limit windows (counted in the database on the embedded shape) are deleted.
    "lms-purge-rate-limit-counters": {"task": "lms.tasks.purge_rate_limit_counters", "schedule": 3600.0},
    # Audit events past AUDIT_RETENTION_DAYS, rosters and exports past EXPORT_RETENTION_DAYS (daily).
    "lms-purge-expired-data": {"task": "lms.tasks.purge_expired_data", "schedule": 24 * 3600.0},
}

# --- auth -----------------------------------------------------------------
# Sessions read from the cache (Redis in production) and persist in the database: no session
# query on most requests, and nobody is logged out when the cache is flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # people may type their ID code as the login name (found through its blind index)
    "people.backends.IdCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "people:profile"
LOGOUT_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
ACCOUNT_INVITATION_MAX_AGE = env_int("ACCOUNT_INVITATION_MAX_AGE", 14 * 24 * 3600)
# Lifetime of the codes printed on a unit's activation sheet (handed over in person).
ACCOUNT_ACTIVATION_CODE_MAX_AGE = env_int("ACCOUNT_ACTIVATION_CODE_MAX_AGE", 14 * 24 * 3600)

# Behind the deploy/ nginx, the client address is the X-Real-IP header it sets.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)
AXES_CLIENT_IP_CALLABLE = "lms.http.client_ip"
# an ID code typed as the login name is never stored in plain text by axes (lms.identifiers)
AXES_USERNAME_CALLABLE = "lms.identifiers.axes_username"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "people/lockout.html"
AXES_RESET_ON_SUCCESS = True
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Claiming a profile (ID code + date of birth) is guessable: cap attempts per IP.
CLAIM_ATTEMPTS_PER_HOUR = env_int("CLAIM_ATTEMPTS_PER_HOUR", 10)
# Contest entries accepted per client address per hour (flood protection).
CONTEST_ENTRIES_PER_IP_PER_HOUR = env_int("CONTEST_ENTRIES_PER_IP_PER_HOUR", 30)

# --- audit trail and retention (Decree 13/2023 on personal data) -----------
# Audit events are kept this many days; uploaded rosters and generated export files this many.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730)
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 30)

# --- personal data at rest (people.crypto) ----------------------------------
def _derived_key(purpose: str) -> str:
    """A development/test key derived from SECRET_KEY, so that a bare checkout runs (production.py
    refuses to start on it)."""
    import base64
    import hashlib

    return base64.urlsafe_b64encode(hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).digest()).decode()


# AES-256-GCM keys for ID codes, dates of birth and phones: URL-safe base64 of 32 random bytes,
# comma-separated, newest first. New values use the first; any listed key decrypts. To rotate: put
# a new key first, run `manage.py rotate_personal_data_keys`, then remove the old one.
PERSONAL_DATA_KEYS = env_list("PERSONAL_DATA_KEYS") or [_derived_key("personal-data-key")]
# HMAC key of the blind index that finds a person by ID code (a different key from the above).
PERSONAL_DATA_INDEX_KEY = env("PERSONAL_DATA_INDEX_KEY") or _derived_key("personal-data-index-key")

# --- certificates ---------------------------------------------------------
# Ed25519 key that signs exported Open Badges 3.0 credentials; generated on first use when
# missing. Several servers must share one key file (a mounted secret).
CERTIFICATE_SIGNING_KEY_FILE = env("CERTIFICATE_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "certificates-ed25519.pem"))
CERTIFICATE_NUMBER_PREFIX = env("CERTIFICATE_NUMBER_PREFIX", "STP")  # numbers: STP-2026-000123
CERTIFICATE_ISSUER_NAME = env("CERTIFICATE_ISSUER_NAME", WAGTAIL_SITE_NAME)
# Unknown or altered verification codes accepted per client address per hour (guessing).
CERTIFICATE_VERIFY_MISSES_PER_HOUR = env_int("CERTIFICATE_VERIFY_MISSES_PER_HOUR", 20)
CERTIFICATE_CHECK_MAX_BYTES = 10_000_000  # a PDF checked on the public verification page

# --- search ---------------------------------------------------------------
# Wagtail's database backend: SQLite FTS5 on the embedded shape, PostgreSQL full text
# otherwise. PostgreSQL has no Vietnamese dictionary and its English one drops stop
# words that are Vietnamese syllables ("an", "do", "so"): index with "simple".
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "simple"

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# locale/: the project's strings (first: it may override Wagtail's wording); locale_wagtail/: the Wagtail
# admin strings Wagtail's own Vietnamese catalogue lacks.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = env("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
# Closed network: no avatars fetched from a third-party service.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- static and media -----------------------------------------------------
STATIC_URL = env("STATIC_URL", "/static/")
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing folder
MEDIA_URL = env("MEDIA_URL", "/media/")
# Folders of MEDIA_ROOT anyone may read (Wagtail images); every other folder is private (deploy/nginx.conf).
MEDIA_PUBLIC_FOLDERS = ("images", "original_images")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# MEDIA_STORAGE=s3 keeps uploads and videos in any S3-compatible store (django-storages + boto3);
# private files are then reached only through expiring signed links.
MEDIA_STORAGE = env("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME", "lms-media"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "querystring_auth": True,
            "querystring_expire": env_int("MEDIA_SIGNED_URL_MAX_AGE", 6 * 3600),
            "default_acl": None,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ROSTER_MAX_UPLOAD_MB = env_int("ROSTER_MAX_UPLOAD_MB", 50)

# --- video pipeline -------------------------------------------------------
FFMPEG_BINARY = env("FFMPEG_BINARY")  # empty: the binary of the imageio-ffmpeg wheel
MEDIA_X264_PRESET = env("MEDIA_X264_PRESET", "veryfast")
MEDIA_MAX_UPLOAD_GB = env_int("MEDIA_MAX_UPLOAD_GB", 8)
MEDIA_USER_QUOTA_GB = env_int("MEDIA_USER_QUOTA_GB", 100)
MEDIA_WORK_DIR = Path(env("MEDIA_WORK_DIR", str(VAR_DIR / "work")))
MEDIA_UPLOAD_DIR = Path(env("MEDIA_UPLOAD_DIR", str(VAR_DIR / "uploads")))
MEDIA_TRANSCODE_SECONDS_PER_SECOND = env_int("MEDIA_TRANSCODE_SECONDS_PER_SECOND", 4)
MEDIA_SIGNED_URL_MAX_AGE = env_int("MEDIA_SIGNED_URL_MAX_AGE", 6 * 3600)
# links to private videos are bound to the viewer's session and expire after this (media_pipeline.playback)
MEDIA_PLAYBACK_MAX_AGE = env_int("MEDIA_PLAYBACK_MAX_AGE", 2 * 3600)
# Behind nginx: an internal location that serves MEDIA_ROOT (deploy/nginx.conf), e.g. /protected-media/
MEDIA_X_ACCEL_PREFIX = env("MEDIA_X_ACCEL_PREFIX")

# --- e-mail ---------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@localhost")

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LMS PBGDPL API",
    "DESCRIPTION": "Training platform for legal-education staff",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["lms.api_schema.only_platform_api"],
    "ENUM_NAME_OVERRIDES": {"LearnerCategoryEnum": "people.models.Category"},
    # Swagger UI from the installed sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- security defaults that hold in every shape ---------------------------
SESSION_COOKIE_HTTPONLY = True
# Wagtail's live preview shows the page in a same-origin iframe, so SAMEORIGIN
# (not DENY); the deploy check's W019 about it is silenced for that reason.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


# --- Content-Security-Policy and Permissions-Policy (lms.security_headers) ---
def _origin(url: str) -> str | None:
    """``https://host[:port]`` of an absolute URL; None for a path like ``/media/``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def _media_origins() -> list[str]:
    """Where the browser fetches media from besides this site: an absolute MEDIA_URL, the S3 endpoint
    (and its bucket-as-host form: signed links use either), and CSP_MEDIA_ORIGINS (a CDN or custom domain)."""
    origins = [_origin(MEDIA_URL)]
    if MEDIA_STORAGE == "s3":
        endpoint = env("AWS_S3_ENDPOINT_URL")
        bucket = STORAGES["default"]["OPTIONS"]["bucket_name"]
        if endpoint:
            origins.append(_origin(endpoint))
            scheme, _, host = endpoint.partition("://")
            if not host.split(":")[0].replace(".", "").isdigit() and not host.startswith(("localhost", "[")):
                origins.append(_origin(f"{scheme}://{bucket}.{host}"))
        else:  # AWS itself: the bucket is the host, with or without the region
            region = env("AWS_S3_REGION_NAME")
            origins.append(f"https://{bucket}.s3.amazonaws.com")
            if region:
                origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    origins += [_origin(item) or item for item in env_list("CSP_MEDIA_ORIGINS")]
    return list(dict.fromkeys(origin for origin in origins if origin))


CSP_MEDIA_ORIGINS = _media_origins()
_static = [origin for origin in [_origin(STATIC_URL)] if origin]
# Closed network, no CDN: every script and style sheet comes from this site; no inline script, no
# eval, anywhere (the public site, the Wagtail admin, /api/docs/). Inline scripts of Wagtail's admin
# are replaced by lms/static/lms/admin-init.js (lms/templates/wagtailadmin/, lms.wagtail_csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_static],
        "style-src": ["'self'", *_static],
        "font-src": ["'self'", *_static],
        # data: for QR codes and Wagtail's icons, blob: for an image previewed before it is uploaded
        "img-src": ["'self'", "data:", "blob:", *_static, *CSP_MEDIA_ORIGINS],
        # hls.js feeds the <video> from a MediaSource (blob:) and parses segments in a blob: worker
        "media-src": ["'self'", "blob:", *CSP_MEDIA_ORIGINS],
        "worker-src": ["'self'", "blob:"],
        # hls.js fetches playlists and segments; tus uploads go to this site
        "connect-src": ["'self'", *CSP_MEDIA_ORIGINS],
        "frame-src": ["'self'"],  # the certificate PDF preview, Wagtail's live preview
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "report-uri": env_list("CSP_REPORT_URI") or None,
    },
}
# Powerful browser features nobody on the platform needs are switched off for every page and frame;
# full screen stays for the lecture player.
PERMISSIONS_POLICY = {
    "accelerometer": "()", "autoplay": "(self)", "camera": "()", "display-capture": "()",
    "fullscreen": "(self)", "geolocation": "()", "gyroscope": "()", "magnetometer": "()",
    "microphone": "()", "midi": "()", "payment": "()", "picture-in-picture": "(self)",
    "publickey-credentials-get": "()", "screen-wake-lock": "()", "serial": "()", "usb": "()",
    "xr-spatial-tracking": "()",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # page-by-page audit lines and start-up banners belong in the admin's history, not the console
    "loggers": {name: {"level": env("LOG_LEVEL_LIBRARIES", "WARNING")} for name in ("wagtail", "axes", "django.tasks", "django_tasks")},
}
