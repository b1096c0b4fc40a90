"""Video pages in the Wagtail admin: list, resumable upload, detail (status,
preview, captions), retry and delete."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import CaptionForm, VideoForm, VideoUploadForm
from .models import Video
from .probe import MediaError, describe_failure


def _require(user, perm: str) -> None:
    if not user.has_perm(f"media_pipeline.{perm}"):
        raise PermissionDenied


def video_index(request):
    _require(request.user, "view_video")
    videos = selectors.manageable_videos(request.user)
    return render(request, "media_pipeline/admin/index.html", {"videos": videos[:200]})


def video_upload(request):
    _require(request.user, "add_video")
    form = VideoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            video = services.video_create(uploaded_file=form.cleaned_data["file"],
                                          title=form.cleaned_data["title"], owner=request.user)
        except MediaError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The video is uploaded and is being transcoded."))
            return redirect("media_pipeline_admin_detail", pk=video.pk)
    return render(request, "media_pipeline/admin/upload.html", {"form": form})


def _video(request, pk: int) -> Video:
    return get_object_or_404(selectors.manageable_videos(request.user), pk=pk)


def video_detail(request, pk: int):
    _require(request.user, "change_video")
    video = _video(request, pk)
    form = VideoForm(request.POST or None, instance=video, prefix="video")
    caption_form = CaptionForm(prefix="caption")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("media_pipeline_admin_detail", pk=video.pk)
    return render(request, "media_pipeline/admin/detail.html", {
        "video": video, "form": form, "caption_form": caption_form,
        "failure": describe_failure(video.failure_code, video.failure_detail) if video.failure_code else "",
        "renditions": video.renditions.all(), "captions": video.captions.all(),
        **{f"player_{key}": value for key, value in selectors.player_context(video, request).items()},
    })


def video_status(request, pk: int):
    _require(request.user, "view_video")
    video = _video(request, pk)
    return JsonResponse({
        "status": video.status, "status_label": video.get_status_display(), "percent": video.progress_percent,
        "finished": video.status in (Video.Status.READY, Video.Status.FAILED),
        "failure": describe_failure(video.failure_code, video.failure_detail) if video.failure_code else "",
    })


@require_POST
def caption_add(request, pk: int):
    _require(request.user, "change_video")
    video = _video(request, pk)
    form = CaptionForm(request.POST, request.FILES, prefix="caption")
    if form.is_valid():
        try:
            services.caption_add(video=video, language=form.cleaned_data["language"],
                                 label=form.cleaned_data["label"], content=form.cleaned_data["file"].read(),
                                 is_default=form.cleaned_data["is_default"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Caption added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("media_pipeline_admin_detail", pk=video.pk)


@require_POST
def video_retry(request, pk: int):
    _require(request.user, "change_video")
    services.video_retry(video=_video(request, pk))
    messages.success(request, _("The video is queued for transcoding again."))
    return redirect("media_pipeline_admin_detail", pk=pk)


def video_delete(request, pk: int):
    _require(request.user, "delete_video")
    video = _video(request, pk)
    if request.method == "POST":
        title = video.title
        services.video_delete(video=video)
        messages.success(request, _("“%(title)s” and all its files were deleted.") % {"title": title})
        return redirect("media_pipeline_admin_index")
    return render(request, "media_pipeline/admin/delete.html", {"video": video})
