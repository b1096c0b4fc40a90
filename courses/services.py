"""Writes of the courses app: the catalog and its authoring rules, and new runs of a course.

Authoring rules are Wagtail's own machinery, set up once per catalog:

* the "Trainers" group gets the *add* page permission on the catalog: a trainer
  creates courses and edits the courses they own (courses.permissions narrows
  Wagtail's rule to the course's owner); no *publish*, so a trainer submits;
* the "Department admins" group gets add, change, publish, lock and unlock;
* the "Sở Tư pháp duyệt" (department approval) workflow (one group-approval task for the
  Department admins) moderates every page under the catalog; approving a course
  publishes its modules and lessons with it (course_outline_publish);
* both groups may add and choose images and documents for lessons.
"""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import (
    Collection, GroupApprovalTask, GroupCollectionPermission, GroupPagePermission, Page, Workflow, WorkflowPage,
    WorkflowTask,
)

from lms.text import fold
from people.models import Role
from people.services import role_groups_ensure

from .models import CatalogPage, CoursePage

# Workflow and task names are data Wagtail shows as they are: "Gửi Sở Tư pháp duyệt" on the submit button
# (with the "Submit to %(workflow_name)s" translation in locale/vi), "Sở Tư pháp duyệt" in the review lists.
WORKFLOW_NAME = "Sở Tư pháp duyệt"
TASK_NAME = "Sở Tư pháp duyệt"
TRAINER_PAGE_PERMISSIONS = ["add_page"]
DEPARTMENT_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
TRAINER_COLLECTION_PERMISSIONS = ["wagtailimages.add_image", "wagtailimages.choose_image",
                                  "wagtaildocs.add_document", "wagtaildocs.choose_document"]
DEPARTMENT_COLLECTION_PERMISSIONS = TRAINER_COLLECTION_PERMISSIONS + [
    "wagtailimages.change_image", "wagtailimages.delete_image",
    "wagtaildocs.change_document", "wagtaildocs.delete_document",
]


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_pages(group: Group, page: Page, codenames: list[str]) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(group=group, page=page,
                                                  permission=_permission(f"wagtailcore.{codename}"))


def _grant_collection(group: Group, perms: list[str]) -> None:
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for dotted in perms:
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=_permission(dotted))


@transaction.atomic
def catalog_authoring_setup(*, catalog: CatalogPage) -> Workflow:
    """Give trainers and department admins their rights on ``catalog`` and moderate it (idempotent)."""
    groups = role_groups_ensure()
    trainers, admins = groups[Role.TRAINER], groups[Role.DEPARTMENT_ADMIN]
    _grant_pages(trainers, catalog, TRAINER_PAGE_PERMISSIONS)
    _grant_pages(admins, catalog, DEPARTMENT_PAGE_PERMISSIONS)
    _grant_collection(trainers, TRAINER_COLLECTION_PERMISSIONS)
    _grant_collection(admins, DEPARTMENT_COLLECTION_PERMISSIONS)

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(admins)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=catalog, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def catalog_ensure(*, parent: Page, title: str, slug: str, intro: str = "") -> CatalogPage:
    """The catalog below ``parent`` (created and published once), with its authoring rules."""
    catalog = CatalogPage.objects.child_of(parent).first()
    if catalog is None:
        catalog = parent.add_child(instance=CatalogPage(title=title, slug=slug, intro=intro))
        catalog.save_revision().publish()
    catalog_authoring_setup(catalog=catalog)
    return catalog


@transaction.atomic
def course_copy_for_new_run(*, course: CoursePage, user, title: str, slug: str = "") -> CoursePage:
    """A draft copy of ``course`` with its modules and lessons, owned by ``user``, for a new run.

    The copy is not live and carries no published history: it goes through the
    Department approval workflow like any new course.
    """
    slug = slug or slugify(fold(title))[:255]
    copy = course.copy(recursive=True, keep_live=False, user=user, log_action="wagtail.copy",
                       update_attrs={"title": title, "slug": slug, "draft_title": title})
    return CoursePage.objects.get(pk=copy.pk)


@transaction.atomic
def course_outline_publish(*, course: CoursePage, user=None) -> list[Page]:
    """Publish the unpublished changes of every module and lesson of ``course``, parents first.

    A trainer submits a course once: the Department's approval of the course is the approval
    of what it is made of, so its modules and lessons go online with it. A page in a workflow
    of its own is left to that workflow; a revision scheduled for later stays scheduled.
    Returns the pages published (or scheduled).
    """
    published = []
    pages = (Page.objects.descendant_of(course).filter(has_unpublished_changes=True, latest_revision__isnull=False)
             .select_related("latest_revision").order_by("path"))
    for page in pages:
        if page.workflow_in_progress:
            continue
        page.latest_revision.publish(user=user)
        published.append(page)
    return published


def scheduled_pages_publish() -> None:
    """Publish revisions whose go-live time has passed and unpublish pages past their expiry.

    Wagtail keeps scheduling in the revisions; its ``publish_scheduled`` command does the
    work and is idempotent, so a run missed or repeated by the beat changes nothing.
    """
    call_command("publish_scheduled", verbosity=0)
