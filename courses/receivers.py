"""Signal handlers of the courses app (connected in CoursesConfig.ready): an approved course
publishes its outline, and what pages share between learners (courses.cache) is dropped
when the content under it changes."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move, workflow_approved

from . import cache as shared_cache
from .models import CoursePage, LessonPage, ModulePage
from .services import course_outline_publish

COURSE_PAGES = (CoursePage, ModulePage, LessonPage)
# what lesson bodies and catalog cards show of other apps' content
MEDIA_MODELS = ("media_pipeline.Video", "media_pipeline.VideoRendition", "media_pipeline.Caption",
                "assessments.Quiz", "wagtailimages.Image", "wagtaildocs.Document")


@receiver(workflow_approved)
def publish_the_outline_of_an_approved_course(sender, instance, user=None, **kwargs):
    """The Department approved a course: its modules and lessons go online with it."""
    page = instance.content_object
    if page is not None and isinstance(page.specific, CoursePage):
        course_outline_publish(course=page.specific, user=user)


def _course_paths(path: str, depth: int) -> set[str]:
    """Paths of the courses that ``path`` may belong to: its ancestors at any depth (no query)."""
    steplen = Page.steplen
    return {path[:steplen * level] for level in range(1, depth + 1)}


def _forget(page) -> None:
    shared_cache.outline_forget(*_course_paths(page.path, page.depth))
    shared_cache.generation_bump("pages")
    if isinstance(page, CoursePage):
        shared_cache.generation_bump("catalog")


@receiver(page_published)
@receiver(page_unpublished)
def course_page_changed(sender, instance, **kwargs):
    if isinstance(instance, COURSE_PAGES):
        _forget(instance)
    else:  # the catalog, the home page or another page above or beside the courses
        shared_cache.generation_bump("site")


@receiver(post_page_move)
def course_page_moved(sender, instance, parent_page_before=None, url_path_before="", **kwargs):
    instance = instance.specific
    if isinstance(instance, COURSE_PAGES):
        _forget(instance)
        if parent_page_before is not None:  # the course it left
            shared_cache.outline_forget(*_course_paths(parent_page_before.path, parent_page_before.depth))
        shared_cache.generation_bump("catalog")
    shared_cache.generation_bump("site")  # the tree paths under view restrictions moved with it


@receiver(page_slug_changed)
def page_url_changed(sender, instance, **kwargs):
    """The URLs of the pages below changed: the catalog's route and the outlines' links."""
    shared_cache.generation_bump("site")


@receiver(post_save)
def alias_created(sender, instance, created=False, **kwargs):
    """An alias takes its source's view restrictions: courses.routing stops assuming them."""
    if created and isinstance(instance, Page) and instance.alias_of_id is not None:
        shared_cache.generation_bump("site")


@receiver(post_delete)
def course_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, COURSE_PAGES):
        _forget(instance)
    elif isinstance(instance, Page):
        shared_cache.generation_bump("site")


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def site_changed(sender, instance, **kwargs):
    shared_cache.generation_bump("site")


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def restriction_changed(sender, instance, **kwargs):
    """The catalog lists public courses only; the routing knows which pages are restricted."""
    shared_cache.generation_bump("catalog")
    shared_cache.generation_bump("site")


def media_changed(sender, instance, **kwargs):
    shared_cache.generation_bump("media")


def connect_media_signals() -> None:
    from django.apps import apps

    for label in MEDIA_MODELS:
        model = apps.get_model(label)
        post_save.connect(media_changed, sender=model, dispatch_uid=f"courses-media-{label}-save")
        post_delete.connect(media_changed, sender=model, dispatch_uid=f"courses-media-{label}-delete")
