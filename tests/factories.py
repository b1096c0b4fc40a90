"""Test data builders (plain functions: few models, no factory library needed yet)."""
from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from people.models import Category, OrgUnit, Profile
from people.services import org_unit_create, role_assign

_seq = itertools.count(1)


def make_unit(name: str, code: str | None = None, parent: OrgUnit | None = None) -> OrgUnit:
    return org_unit_create(name=name, code=code or f"U{next(_seq)}", parent=parent)


def make_user(username: str | None = None, password: str = "Pass-word-123", **extra):
    username = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(username=username, password=password, **extra)
    return user


def make_profile(unit: OrgUnit, full_name: str = "Nguyễn Văn An", user=None, **extra) -> Profile:
    extra.setdefault("category", Category.CBCCVC)
    extra.setdefault("id_code", f"ID{next(_seq):010d}")
    return Profile.objects.create(full_name=full_name, org_unit=unit, user=user, **extra)


def make_staff(role: str, unit: OrgUnit, username: str | None = None):
    user = make_user(username)
    role_assign(user=user, role=role, org_unit=unit)
    return user


# --- assessments ------------------------------------------------------------------

def make_category(unit: OrgUnit, name: str | None = None):
    from assessments.models import QuestionCategory

    return QuestionCategory.objects.create(name=name or f"Pháp luật {next(_seq)}", org_unit=unit)


DEFAULT_OPTIONS = {
    "single": [("Quốc hội", True, ""), ("Chính phủ", False, ""), ("Tòa án nhân dân tối cao", False, "")],
    "multiple": [("Hòa giải viên", True, ""), ("Báo cáo viên", True, ""), ("Thẩm phán", False, "")],
    "short_answer": [("Hiến pháp", True, "")],
    "matching": [("Luật Hòa giải ở cơ sở", False, "2013"), ("Luật Phổ biến, giáo dục pháp luật", False, "2012"),
                 ("Hiến pháp", False, "2013")],
    "ordering": [("Soạn thảo", False, ""), ("Thẩm định", False, ""), ("Thông qua", False, "")],
}


def make_question(category, qtype: str = "single", options=None, stem: str | None = None, **extra):
    """A question with options given as (text, is_correct, match_text[, feedback]) tuples."""
    from assessments.models import Question, QuestionOption

    if qtype == "true_false":
        extra.setdefault("true_false_answer", True)
    if qtype == "numeric":
        extra.setdefault("numeric_answer", 12)
    question = Question.objects.create(category=category, qtype=qtype,
                                       stem=stem or f"<p>Câu hỏi số {next(_seq)}?</p>", **extra)
    for order, option in enumerate(options if options is not None else DEFAULT_OPTIONS.get(qtype, [])):
        text, correct, match = option[:3]
        feedback = option[3] if len(option) > 3 else ""
        QuestionOption.objects.create(question=question, sort_order=order, text=text, is_correct=correct,
                                      match_text=match, feedback=feedback)
    return question


def make_quiz(unit: OrgUnit, questions=(), draws=(), **extra):
    """A quiz with fixed ``questions`` and (category, count) random ``draws``."""
    from assessments.models import Quiz, QuizSlot

    extra.setdefault("shuffle_options", False)
    quiz = Quiz.objects.create(title=extra.pop("title", f"Bài kiểm tra {next(_seq)}"), org_unit=unit, **extra)
    order = 0
    for question in questions:
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=order)
        order += 1
    for category, count in draws:
        QuizSlot.objects.create(quiz=quiz, category=category, count=count, sort_order=order)
        order += 1
    return quiz


def make_contest(unit: OrgUnit, questions=(), opens_at=None, weeks: int = 1, **extra):
    """A published contest with ``weeks`` weekly rounds of the given fixed questions."""
    import datetime as dt

    from django.utils import timezone

    from assessments.models import Contest
    from assessments.services.contests import contest_rounds_create_weekly

    contest = Contest.objects.create(title=extra.pop("title", "Tìm hiểu Hiến pháp"), slug=f"cuoc-thi-{next(_seq)}",
                                     org_unit=unit, **extra)
    opens_at = opens_at or timezone.now() - dt.timedelta(days=1)
    contest_rounds_create_weekly(contest=contest, first_opens_at=opens_at, weeks=weeks,
                                 slots=[{"question": question} for question in questions],
                                 tiebreak_question="Có bao nhiêu lượt người dự thi tuần này?")
    return contest


def make_survey(unit: OrgUnit, is_anonymous: bool = True, **extra):
    """A satisfaction survey: an overall Likert question, a second Likert question and a comment box."""
    from assessments.models import Survey, SurveyItem

    survey = Survey.objects.create(title=extra.pop("title", "Khảo sát mức độ hài lòng"), org_unit=unit,
                                   is_anonymous=is_anonymous, **extra)
    SurveyItem.objects.create(survey=survey, sort_order=0, text="Nhìn chung, anh/chị hài lòng với khóa học?",
                              is_overall=True)
    SurveyItem.objects.create(survey=survey, sort_order=1, text="Giảng viên truyền đạt dễ hiểu?")
    SurveyItem.objects.create(survey=survey, sort_order=2, text="Góp ý khác", kind=SurveyItem.Kind.TEXT,
                              required=False)
    return survey


# --- courses ----------------------------------------------------------------------

def make_catalog():
    """The catalog under the home page, with its authoring rules (trainers, approval workflow)."""
    from courses.services import catalog_ensure
    from lms.pages import home_page_ensure

    return catalog_ensure(parent=home_page_ensure(), title="Khóa học", slug="khoa-hoc")


def _publish(parent, page, owner=None, publish=True):
    page.owner = owner
    page.live = False  # a page is live once a revision is published, as in the admin
    parent.add_child(instance=page)
    revision = page.save_revision(user=owner)
    if publish:
        revision.publish()
    return type(page).objects.get(pk=page.pk)


def make_course(catalog, title: str | None = None, owner=None, audience=(), publish=True, **fields):
    """A course page (published unless ``publish=False``) with the given audience categories."""
    from courses.models import CourseAudience, CoursePage, Topic

    title = title or f"Khóa học {next(_seq)}"
    fields.setdefault("summary", f"Tóm tắt của {title}.")
    fields.setdefault("topic", Topic.DIGITAL_TRANSFORMATION)
    fields.setdefault("slug", f"khoa-hoc-{next(_seq)}")
    course = CoursePage(title=title, audiences=[CourseAudience(category=c) for c in audience], **fields)
    return _publish(catalog, course, owner, publish)


def make_module(course, title: str | None = None, owner=None, publish=True, **fields):
    from courses.models import ModulePage

    fields.setdefault("slug", f"hoc-phan-{next(_seq)}")
    return _publish(course, ModulePage(title=title or f"Học phần {next(_seq)}", **fields), owner, publish)


def make_lesson(module, title: str | None = None, owner=None, publish=True, body=(), **fields):
    """A lesson; ``body`` is a list of (block type, value) pairs, e.g. [("video", video)]."""
    from courses.models import LessonPage

    fields.setdefault("slug", f"bai-hoc-{next(_seq)}")
    lesson = LessonPage(title=title or f"Bài học {next(_seq)}", body=list(body), **fields)
    return _publish(module, lesson, owner, publish)


def make_ready_video(clip, folder, title="Bài giảng: chuyển đổi số"):
    """A public video transcoded through the real pipeline from ``clip``, with Vietnamese captions."""
    from media_pipeline import services

    source = folder / "lecture.mp4"
    source.write_bytes(clip.read_bytes())
    video = services.video_create_from_path(path=source, filename="lecture.mp4", title=title, is_public=True,
                                            enqueue=False)
    video = services.video_process(video_id=video.pk)
    services.caption_add(video=video, language="vi", label="Tiếng Việt",
                         content="WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nXin chào các học viên.\n".encode(),
                         is_default=True)
    return video


# --- certificates -----------------------------------------------------------------

def make_completed_enrollment(user, course=None, training_class=None, **course_fields):
    """A completed enrolment through the real services: a course with one required reading lesson,
    enrolled and visited (the visit completes it)."""
    from courses.models import LessonPage
    from enrollment import services as enrollment_services

    if course is None:
        course = make_course(make_catalog(), **course_fields)
    lesson = LessonPage.objects.descendant_of(course).first() or make_lesson(make_module(course), title="Bài đọc")
    enrollment = enrollment_services.enroll(user=user, course=course)
    if training_class is not None:
        type(enrollment).objects.filter(pk=enrollment.pk).update(training_class=training_class)
    enrollment_services.lesson_visit(user=user, lesson=lesson)
    enrollment.refresh_from_db()
    return enrollment


def make_certificate_template(unit, **fields):
    from certificates.models import CertificateTemplate

    fields.setdefault("name", f"Mẫu {next(_seq)}")
    return CertificateTemplate.objects.create(issuing_unit=unit, **fields)


# --- reporting ----------------------------------------------------------------------

def make_training_class(course, unit, starts_on, ends_on=None, **extra):
    """A class of ``course`` organised by ``unit`` (plain rows: no self-paced session is added)."""
    from enrollment.models import TrainingClass

    extra.setdefault("title", f"Lớp {next(_seq)}")
    return TrainingClass.objects.create(course=course, org_unit=unit, starts_on=starts_on,
                                        ends_on=ends_on or starts_on, **extra)


def make_training_session(training_class, modality, starts_at, **extra):
    import datetime as dt

    from enrollment.models import TrainingSession

    extra.setdefault("title", f"Buổi {next(_seq)}")
    return TrainingSession.objects.create(training_class=training_class, modality=modality, starts_at=starts_at,
                                          ends_at=starts_at + dt.timedelta(hours=2), **extra)


def make_enrollment_row(user, course, completed_at=None, modality="", counted=None, revoked_at=None,
                        training_class=None, status=None):
    """An enrolment written as a row (a completion at a chosen time, as reports see it)."""
    from enrollment.models import Enrollment

    if status is None:
        status = Enrollment.Status.COMPLETED if completed_at else Enrollment.Status.ACTIVE
    return Enrollment.objects.create(user=user, course=course, status=status, completed_at=completed_at,
                                     completion_modality=modality, counted_toward_target=counted,
                                     completion_revoked_at=revoked_at, training_class=training_class)


def make_survey_response(survey, unit, value, submitted_at):
    """An answer to the overall question of a satisfaction survey (``make_survey``)."""
    from assessments.models import SurveyAnswer, SurveyResponse

    response = SurveyResponse.objects.create(survey=survey, subject_key=f"course:{next(_seq)}",
                                             respondent_hash=f"h{next(_seq)}", org_unit=unit,
                                             submitted_at=submitted_at)
    SurveyAnswer.objects.create(response=response, item=survey.items.get(is_overall=True), value=value)
    return response


def login_verified(client, user):
    """Log ``user`` in past two-factor authentication (required of department admins and superusers)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="app", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
