"""OpenAPI schema hooks: publish only the platform's own API (/api/...), not
Wagtail's internal admin endpoints."""


def only_platform_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
