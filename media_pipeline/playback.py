"""Signed playback links ``/video/<token>/<file>``: who may play a video, and for how long.

* A public video's token names the video and never expires; anyone may play it.
* A private video's token is bound to the browser it was given to: to its session (the
  session cookie) or, before sign-in, to a playback cookie of its own (COOKIE_NAME), and it
  expires after MEDIA_PLAYBACK_MAX_AGE. The same link from another browser, another session
  or after expiry plays nothing. Nothing of the session is in the link: the binding is part of
  the signature's key (its salt).
* Pages that are shared between viewers from a cache (a lesson's rendered body) hold *grants*
  instead of tokens: ``~`` and a signed video id, which the stream view refuses.
  ``bind_links`` turns a page's grants into links bound to the viewer when the page is served,
  and ``remember`` sets the playback cookie a new binding needs.

Relative URIs inside the playlists resolve under the same token, so one token plays a whole run.
"""
from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

STREAM_SALT = "media_pipeline.stream"
GRANT_SALT = "media_pipeline.stream.grant"
GRANT_PREFIX = "~"  # never the first character of a signed token (base64 or ".")
COOKIE_NAME = "lms_playback"
# a grant inside a rendered URL: /video/~<signed id>/<file>
_GRANT = re.compile(r"/~([A-Za-z0-9_\-:.]+)/")
_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_\-]{20,64}")
_NEW_COOKIE = "_playback_cookie"
_BOUND = "_playback_bound"
# the template context flag under which {% video_player %} writes grants (a cached fragment)
DEFER_CONTEXT_KEY = "_playback_deferred"


def max_age() -> int:
    return settings.MEDIA_PLAYBACK_MAX_AGE


def _bound_salt(binding: str) -> str:
    return f"{STREAM_SALT}:{binding}"


def public_token(video_id: int) -> str:
    """The unbound, unexpiring token of a public video."""
    return signing.dumps(video_id, salt=STREAM_SALT, compress=True)


def grant(video_id: int) -> str:
    """A placeholder for the viewer's token in HTML shared between viewers (see ``bind_links``)."""
    return GRANT_PREFIX + signing.dumps(video_id, salt=GRANT_SALT)


def _cookie_binding(request) -> str | None:
    value = request.COOKIES.get(COOKIE_NAME, "")
    return value if _COOKIE_VALUE.fullmatch(value) else None


def _binding_for(request) -> str:
    """What a link made now for ``request`` is bound to: its session, else its playback cookie
    (minted now, and set on the response by ``remember``, when the browser has none)."""
    session = getattr(request, "session", None)
    if session is not None:
        session.get("_auth_user_id")  # loads the session: a stale cookie has no key any more
        if session.session_key:
            return session.session_key
    value = getattr(request, _NEW_COOKIE, None) or _cookie_binding(request)
    if value is None:
        value = secrets.token_urlsafe(24)
        setattr(request, _NEW_COOKIE, value)
    return value


def bound_token(video_id: int, request) -> str:
    """A token for ``video_id`` that plays only in the browser (session) of ``request``, until it expires."""
    setattr(request, _BOUND, True)
    return signing.dumps(video_id, salt=_bound_salt(_binding_for(request)), compress=True)


def token_for(video, request=None, *, defer: bool = False) -> str:
    """The token of a page's links to ``video``: public, bound to ``request``, or a grant
    (``defer``, or no request: the HTML is bound later by ``bind_links``)."""
    if video.is_public:
        return public_token(video.pk)
    if defer or request is None:
        return grant(video.pk)
    return bound_token(video.pk, request)


def stream_url(token: str, name: str = "master.m3u8") -> str:
    return reverse("media_pipeline:stream", args=[token, name])


def video_id_for(token: str, request) -> tuple[int, bool] | None:
    """(video id, whether the token is public) for a token valid in ``request``; None when it
    is bad, expired, a grant, or bound to another browser. A public token is only good for a
    video that is still public (the caller checks)."""
    if token.startswith(GRANT_PREFIX):
        return None
    try:
        return signing.loads(token, salt=STREAM_SALT), True
    except signing.BadSignature:
        pass
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    for binding in (session_key, _cookie_binding(request)):
        if not binding:
            continue
        try:
            return signing.loads(token, salt=_bound_salt(binding), max_age=max_age()), False
        except signing.SignatureExpired:
            return None
        except signing.BadSignature:
            continue
    return None


def bind_links(html: str, request) -> str:
    """``html`` with every grant replaced by a token bound to ``request`` (one per video)."""
    if GRANT_PREFIX not in html:
        return html
    tokens: dict[str, str] = {}

    def bound(match: re.Match) -> str:
        value = match.group(1)
        if value not in tokens:
            try:
                video_id = signing.loads(value, salt=GRANT_SALT)
            except signing.BadSignature:
                tokens[value] = "invalid"
            else:
                tokens[value] = bound_token(int(video_id), request)
        return f"/{tokens[value]}/"

    return _GRANT.sub(bound, html)


def remember(request, response) -> None:
    """After a page with bound links is rendered: set the playback cookie a new binding needs,
    and keep the page out of shared HTTP caches (its links belong to this browser)."""
    def finish(rendered):
        if getattr(request, _BOUND, False):
            patch_cache_control(rendered, private=True)
            patch_vary_headers(rendered, ["Cookie"])
        value = getattr(request, _NEW_COOKIE, None)
        if value is not None:
            rendered.set_cookie(COOKIE_NAME, value, httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)
        return rendered

    if hasattr(response, "add_post_render_callback") and not getattr(response, "is_rendered", True):
        response.add_post_render_callback(finish)
    else:
        finish(response)
