"""{% video_player video %}: the HLS player for a video, for any template (courses embed it)."""
from django import template

from ..selectors import player_context

register = template.Library()


@register.inclusion_tag("media_pipeline/player.html")
def video_player(video, start_at=0):
    return {**player_context(video), "start_at": start_at}
