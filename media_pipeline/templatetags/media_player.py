"""{% video_player video %}: the HLS player for a video, for any template (courses embed it).

The player is light until the video is wanted: poster, menus and a play button; the
player script fetches hls.js and the stream on play. ``eager=True`` prepares the
stream when the page opens (a learner coming back to a lecture they started).

Links to a private video are bound to the viewer (media_pipeline.playback). Inside
``{% playback_links %}…{% endplayback_links %}`` the player writes grants instead, and the
block binds them when the page is served: a fragment cached for every viewer goes inside it.
"""
from django import template

from .. import playback
from ..selectors import player_context

register = template.Library()


@register.inclusion_tag("media_pipeline/player.html", takes_context=True)
def video_player(context, video, start_at=0, eager=False):
    return {**player_context(video, context.get("request"), defer=bool(context.get(playback.DEFER_CONTEXT_KEY))),
            "start_at": start_at, "eager": eager}


class PlaybackLinksNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        with context.push(**{playback.DEFER_CONTEXT_KEY: True}):
            html = self.nodelist.render(context)
        request = context.get("request")
        return html if request is None else playback.bind_links(html, request)


@register.tag
def playback_links(parser, token):
    """Binds the playback links of the players inside it to the viewer (see the module docstring)."""
    nodelist = parser.parse(("endplayback_links",))
    parser.delete_first_token()
    return PlaybackLinksNode(nodelist)
