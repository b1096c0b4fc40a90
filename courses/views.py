"""Views outside the page tree: a lesson's video transcript as plain text."""
from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.text import slugify

from lms.text import fold
from media_pipeline.models import Caption

from .selectors import transcript_text


def lesson_transcript(request, *, lesson, video_id: int, language: str) -> HttpResponse:
    """The transcript of a video that ``lesson`` shows, from its caption track in ``language``."""
    if not any(block.block_type == "video" and block.value and block.value.pk == video_id for block in lesson.body):
        raise Http404
    caption = Caption.objects.filter(video_id=video_id, language=language).select_related("video").first()
    if caption is None:
        raise Http404
    with caption.file.open("rb") as handle:
        text = transcript_text(handle.read().decode("utf-8", errors="replace"))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    name = slugify(fold(caption.video.title))[:80] or "transcript"
    response["Content-Disposition"] = f'attachment; filename="{name}-{language}.txt"'
    return response
