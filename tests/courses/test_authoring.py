"""Authoring in the Wagtail admin: trainers edit only their own courses, drafts go through the
Department approval workflow, and a course can be copied for a new run."""
import pytest
from django.urls import reverse
from wagtail.models import Page, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text

from courses.models import CatalogPage, CoursePage, LessonPage
from courses.services import WORKFLOW_NAME, catalog_authoring_setup, course_copy_for_new_run
from lms.models import HomePage
from people.models import Category
from tests.factories import login_verified, make_course, make_lesson, make_module

pytestmark = pytest.mark.django_db


def _edit(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _add(model, parent):
    return reverse("wagtailadmin_pages:add", args=["courses", model, parent.pk])


def _course_form(**overrides):
    data = {
        "title": "Pháp luật về chuyển đổi số", "slug": "phap-luat-chuyen-doi-so",
        "summary": "Những quy định pháp luật mới về chuyển đổi số.", "objectives": rich_text("<p>Nắm vững</p>"),
        "topic": "digital_transformation", "language": "vi", "modality": "online",
        "audience": ["cbccvc", "legal_reporter"], "estimated_hours": "4", "counts_toward_target": "on",
        "video_coverage_threshold": "90", "quiz_pass_percent": "", "enrolment_policy": "open",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0", "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    audience = data.pop("audience")
    return {**nested_form_data(data), "audience": audience}  # a plain multi-value field, not a formset


@pytest.fixture
def courses_by_owner(catalog, trainer, other_trainer):
    mine = make_course(catalog, title="Khóa của tôi", owner=trainer)
    theirs = make_course(catalog, title="Khóa của đồng nghiệp", owner=other_trainer)
    return mine, make_module(mine, owner=trainer), theirs, make_module(theirs, owner=other_trainer)


def test_trainer_edits_own_course_but_not_another_trainers(client, trainer, courses_by_owner):
    mine, my_module, theirs, their_module = courses_by_owner
    client.force_login(trainer)
    assert client.get(_edit(mine)).status_code == 200
    assert client.get(_edit(my_module)).status_code == 200
    assert client.get(_add("lessonpage", my_module)).status_code == 200
    # another trainer's course: no editing, no new modules or lessons inside it
    for url in (_edit(theirs), _edit(their_module), _add("modulepage", theirs), _add("lessonpage", their_module)):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or response.url.startswith("/admin/")
    assert client.post(_edit(theirs), _course_form(title="Đã sửa")).status_code in (302, 403)
    assert CoursePage.objects.get(pk=theirs.pk).title == "Khóa của đồng nghiệp"


def test_course_owner_edits_lessons_others_added(trainer, department_admin, courses_by_owner):
    _mine, my_module, _theirs, _their_module = courses_by_owner
    lesson = make_lesson(my_module, owner=department_admin)
    assert lesson.permissions_for_user(trainer).can_edit()


def test_trainer_cannot_publish_and_learners_cannot_author(catalog, trainer, courses_by_owner, province):
    from tests.factories import make_profile, make_user

    mine = courses_by_owner[0]
    perms = mine.permissions_for_user(trainer)
    assert perms.can_edit() and not perms.can_publish()
    learner = make_user("hocvien.x")
    make_profile(province["tanan"], user=learner)
    assert not mine.permissions_for_user(learner).can_edit()
    assert not catalog.permissions_for_user(learner).can_add_subpage()


def test_trainer_creates_a_course_and_submits_it_for_approval(client, catalog, trainer, department_admin):
    client.force_login(trainer)
    response = client.post(_add("coursepage", catalog), _course_form(**{"action-submit": "Submit"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="phap-luat-chuyen-doi-so")
    # a draft owned by the trainer, with its audience, waiting for the department
    assert course.owner == trainer and not course.live
    assert course.workflow_in_progress
    revision_course = course.get_latest_revision_as_object()
    assert {row.category for row in revision_course.audiences.all()} == {Category.CBCCVC, Category.LEGAL_REPORTER}
    assert client.get(course.url or "/khoa-hoc/phap-luat-chuyen-doi-so/").status_code == 404

    # when the department admin approves
    task_state = course.current_workflow_task_state
    actions = [name for name, _label, _modal in task_state.task.specific.get_actions(course, department_admin)]
    assert "approve" in actions
    assert task_state.task.specific.get_actions(course, trainer) == []
    task_state.task.specific.on_action(task_state, department_admin, "approve")

    # then the course is published with its audience
    course = CoursePage.objects.get(pk=course.pk)
    assert course.live and not course.workflow_in_progress
    assert {row.category for row in course.audiences.all()} == {Category.CBCCVC, Category.LEGAL_REPORTER}
    assert client.get(course.url).status_code == 200


def test_catalog_is_moderated_by_department_approval(catalog):
    workflow = catalog.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    group_names = [group.name for group in workflow.tasks.get().specific.groups.all()]
    assert group_names == ["Department admins"]
    # setting up twice changes nothing
    catalog_authoring_setup(catalog=catalog)
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert catalog.group_permissions.count() == 6


def test_sites_set_up_with_the_english_workflow_name_get_the_vietnamese_one(catalog):
    import importlib

    from django.apps import apps
    from wagtail.models import Task

    migration = importlib.import_module("courses.migrations.0003_workflow_names_in_vietnamese")
    Workflow.objects.filter(name=WORKFLOW_NAME).update(name="Department approval")
    Task.objects.filter(name=WORKFLOW_NAME).update(name="Department approval")

    migration.rename(apps, None)

    assert catalog.get_workflow().name == "Sở Tư pháp duyệt" == WORKFLOW_NAME
    assert catalog.get_workflow().tasks.get().name == "Sở Tư pháp duyệt"
    catalog_authoring_setup(catalog=catalog)  # finds the renamed workflow: no second one
    assert Workflow.objects.filter(name__in=[WORKFLOW_NAME, "Department approval"]).count() == 1
    assert Task.objects.filter(name__in=[WORKFLOW_NAME, "Department approval"]).count() == 1




def test_catalog_created_in_the_admin_gets_the_rules(client, db):
    from tests.factories import make_user

    login_verified(client, make_user("quantri", is_superuser=True))
    home = HomePage.objects.get()
    data = nested_form_data({"title": "Khóa học", "slug": "khoa-hoc", "intro": "",
                             "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0",
                             "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "1000"})
    response = client.post(reverse("wagtailadmin_pages:add", args=["courses", "catalogpage", home.pk]), data)
    assert response.status_code == 302
    catalog = CatalogPage.objects.get()
    assert catalog.get_workflow().name == WORKFLOW_NAME
    assert {perm.group.name for perm in catalog.group_permissions.all()} == {"Trainers", "Department admins"}


def test_copy_a_course_for_a_new_run(catalog, trainer, other_trainer, small_course):
    course, lessons = small_course
    copy = course_copy_for_new_run(course=course, user=other_trainer, title="Chuyển đổi số — đợt 2 năm 2026")
    assert copy.slug == "chuyen-doi-so-dot-2-nam-2026"
    assert not copy.live and copy.owner == other_trainer
    copied = LessonPage.objects.descendant_of(copy)
    assert [lesson.title for lesson in copied.order_by("path")] == [lesson.title for lesson in lessons]
    assert not copied.filter(live=True).exists()
    assert copy.permissions_for_user(other_trainer).can_edit()
    assert not copy.permissions_for_user(trainer).can_edit()
    # the original is untouched
    assert Page.objects.get(pk=course.pk).live


def test_scheduled_publishing(client, catalog, small_course):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from courses.tasks import publish_scheduled_pages

    # given a course approved to go live tomorrow
    course = make_course(catalog, title="Khóa học đợt sau", slug="dot-sau", publish=False)
    go_live = timezone.now() + dt.timedelta(days=1)
    course.go_live_at = go_live
    course.save_revision(approved_go_live_at=go_live).publish()
    publish_scheduled_pages()
    assert not CoursePage.objects.get(pk=course.pk).live
    # when the time has come, the periodic task publishes it
    with time_machine.travel(go_live + dt.timedelta(minutes=1)):
        publish_scheduled_pages()
    assert CoursePage.objects.get(pk=course.pk).live
    assert client.get("/khoa-hoc/dot-sau/").status_code == 200


def test_course_form_shows_and_keeps_the_audience(client, catalog, trainer):
    course = make_course(catalog, owner=trainer, audience=[Category.GRASSROOTS_MEDIATOR])
    client.force_login(trainer)
    html = client.get(_edit(course)).content.decode()
    assert 'value="grassroots_mediator"' in html
    checked = html.split('value="grassroots_mediator"', 1)[1].split(">", 1)[0]
    assert "checked" in checked
    # trainers are offered as the course's trainers; learners are not
    assert "giangvien.a" in html
    # saving a draft with another audience keeps the live course as it was until published
    response = client.post(_edit(course), _course_form(title=course.title, slug=course.slug, audience=["teacher"]))
    assert response.status_code == 302
    assert [row.category for row in CoursePage.objects.get(pk=course.pk).audiences.all()] == ["grassroots_mediator"]
    draft = CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object()
    assert [row.category for row in draft.audiences.all()] == ["teacher"]


def test_approving_a_course_publishes_its_modules_and_lessons(client, catalog, trainer, department_admin):
    # given a trainer's draft course with a draft module and two draft lessons, one of which is
    # in a workflow of its own, and another course's draft lesson
    course = make_course(catalog, title="Khóa học mới", slug="khoa-moi", owner=trainer, publish=False)
    module = make_module(course, title="Học phần 1", slug="hoc-phan-1", owner=trainer, publish=False)
    lesson = make_lesson(module, title="Bài 1", slug="bai-1", owner=trainer, publish=False)
    separate = make_lesson(module, title="Bài 2", slug="bai-2", owner=trainer, publish=False)
    workflow = catalog.get_workflow()
    workflow.start(separate, trainer)
    other = make_course(catalog, title="Khóa khác", slug="khoa-khac", owner=trainer)
    other_draft = make_lesson(make_module(other, owner=trainer), title="Bài nháp", owner=trainer, publish=False)

    # when the trainer submits the course and the department admin approves it
    workflow.start(course, trainer)
    task_state = CoursePage.objects.get(pk=course.pk).current_workflow_task_state
    task_state.task.specific.on_action(task_state, department_admin, "approve")

    # then the course, its module and its lesson are live, published by the approver
    assert Page.objects.get(pk=course.pk).live
    assert Page.objects.get(pk=module.pk).live and Page.objects.get(pk=lesson.pk).live
    from wagtail.models import PageLogEntry

    assert PageLogEntry.objects.get(page=lesson, action="wagtail.publish").user == department_admin
    assert client.get("/khoa-hoc/khoa-moi/hoc-phan-1/bai-1/").status_code == 200
    # a lesson in its own workflow waits for it; another course is untouched
    assert not Page.objects.get(pk=separate.pk).live and Page.objects.get(pk=separate.pk).workflow_in_progress
    assert not Page.objects.get(pk=other_draft.pk).live


def test_approving_a_course_keeps_a_lesson_scheduled_for_later(catalog, trainer, department_admin, small_course):
    import datetime as dt

    from django.utils import timezone

    # given a live course whose lesson has a draft scheduled for next week
    course, lessons = small_course
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.title = "Bài 1.1 (bản mới)"
    go_live = (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0)
    lesson.go_live_at = go_live
    lesson.save_revision(user=trainer)
    course.save_revision(user=trainer)
    # when the course is approved
    workflow = catalog.get_workflow()
    workflow.start(CoursePage.objects.get(pk=course.pk), trainer)
    task_state = CoursePage.objects.get(pk=course.pk).current_workflow_task_state
    task_state.task.specific.on_action(task_state, department_admin, "approve")
    # then the lesson's new title waits for its time
    assert LessonPage.objects.get(pk=lesson.pk).title == "Bài 1.1"
    assert LessonPage.objects.get(pk=lesson.pk).latest_revision.approved_go_live_at == go_live
