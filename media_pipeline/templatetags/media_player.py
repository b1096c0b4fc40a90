"""{% video_player video %}: the HLS player for a video, for any template (courses embed it).

The player is light until the video is wanted: poster, menus and a play button; the
player script fetches hls.js and the stream on play. ``eager=True`` prepares the
stream when the page opens (a learner coming back to a lecture they started).
"""
from django import template

from ..selectors import player_context

register = template.Library()


@register.inclusion_tag("media_pipeline/player.html")
def video_player(video, start_at=0, eager=False):
    return {**player_context(video), "start_at": start_at, "eager": eager}
