"""Wagtail admin: the video pages and the video chooser used by StreamField blocks."""
from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.chooser import ChooserViewSet

from . import admin_views
from .models import Video


@hooks.register("register_admin_urls")
def video_admin_urls():
    return [
        path("videos/", admin_views.video_index, name="media_pipeline_admin_index"),
        path("videos/upload/", admin_views.video_upload, name="media_pipeline_admin_upload"),
        path("videos/<int:pk>/", admin_views.video_detail, name="media_pipeline_admin_detail"),
        path("videos/<int:pk>/status.json", admin_views.video_status, name="media_pipeline_admin_status"),
        path("videos/<int:pk>/captions/", admin_views.caption_add, name="media_pipeline_admin_caption"),
        path("videos/<int:pk>/retry/", admin_views.video_retry, name="media_pipeline_admin_retry"),
        path("videos/<int:pk>/delete/", admin_views.video_delete, name="media_pipeline_admin_delete"),
    ]


class VideoMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("media_pipeline.view_video")


@hooks.register("register_admin_menu_item")
def video_menu_item():
    return VideoMenuItem(_("Video lectures"), reverse("media_pipeline_admin_index"), icon_name="media", order=240)


class VideoChooserViewSet(ChooserViewSet):
    """Chooses a ready video; StreamField blocks come from ``get_block_class``."""

    model = Video
    icon = "media"
    choose_one_text = _("Choose a video")
    choose_another_text = _("Choose another video")
    edit_item_text = _("Edit this video")
    form_fields = None  # videos are created by the resumable upload page, not in the chooser

    def get_object_list(self):
        return Video.objects.filter(status=Video.Status.READY).order_by("-created_at")


video_chooser_viewset = VideoChooserViewSet("video_chooser", url_prefix="video-chooser")


@hooks.register("register_admin_viewset")
def register_video_chooser():
    return video_chooser_viewset
