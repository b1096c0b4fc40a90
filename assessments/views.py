"""Quiz pages: the quiz, the attempt (works without JavaScript; autosaves with it), the result.

Views parse the request and call services and selectors; nothing else.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.http import client_ip
from people.models import OrgUnit
from people.selectors import profile_of

from . import grading, selectors, services
from .exceptions import AlreadyAnswered, AssessmentError, QuizAccessDenied, StaleAnswer, SurveySubjectNotAllowed
from .forms import EntrantForm, posted_sequence, prepare_for_form, response_from_post
from .models import Attempt, Contest, ContestEntry, ContestRound, Quiz, Survey
from .services import contests as contest_services


SCALE = [(1, gettext_lazy("Very dissatisfied")), (2, gettext_lazy("Dissatisfied")), (3, gettext_lazy("Neutral")),
         (4, gettext_lazy("Satisfied")), (5, gettext_lazy("Very satisfied"))]


def quiz_denied(request, quiz: Quiz, error: AssessmentError | None = None):
    """The friendly refusal (403) when a higher layer keeps the learner out of the quiz."""
    error = error or QuizAccessDenied()
    return render(request, "assessments/quiz_denied.html", {"quiz": quiz, "message": error.message},
                  status=error.status)


@login_required
@require_GET
def quiz_detail(request, pk: int):
    quiz = get_object_or_404(Quiz, pk=pk)
    if not selectors.may_take_quiz(request.user, quiz):
        return quiz_denied(request, quiz)
    live = selectors.live_attempt(request.user, quiz)
    if live is not None:
        live = services.attempt_close_if_expired(attempt_id=live.pk)
        live = live if live.is_live else None
    return render(request, "assessments/quiz_detail.html", {
        "quiz": quiz, "live": live, "attempts": selectors.attempts_of(request.user, quiz),
        "attempts_left": selectors.attempts_left(request.user, quiz),
        "result": selectors.best_result(request.user, quiz),
        "is_open": services.quiz_is_open(quiz, timezone.now()),
    })


@login_required
@require_POST
def quiz_start(request, pk: int):
    quiz = get_object_or_404(Quiz, pk=pk)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except QuizAccessDenied as error:
        return quiz_denied(request, quiz, error)
    except AssessmentError as error:
        messages.error(request, error.message)
        return redirect("assessments:quiz", pk=quiz.pk)
    return redirect("assessments:attempt", pk=attempt.pk)


def _own_attempt(request, pk: int) -> Attempt:
    attempt = get_object_or_404(Attempt.objects.select_related("quiz"), pk=pk, user=request.user)
    if attempt.is_live:
        attempt = services.attempt_close_if_expired(attempt_id=attempt.pk)
    return attempt


@login_required
@require_GET
def attempt_page(request, pk: int):
    attempt = _own_attempt(request, pk)
    if not attempt.is_live:
        return redirect("assessments:result", pk=attempt.pk)
    items = selectors.attempt_questions(attempt)
    if attempt.quiz.sequential:
        items = [item for item in items if item["position"] == attempt.current_position]
    total = attempt.questions.count()
    return render(request, "assessments/attempt.html", {
        "attempt": attempt, "quiz": attempt.quiz, "items": prepare_for_form(items), "total": total,
        "seconds_left": selectors.seconds_left(attempt),
        "is_last": not attempt.quiz.sequential or attempt.current_position >= total - 1,
    })


def _save_posted(request, attempt: Attempt, items: list[dict]) -> list[AssessmentError]:
    """Save every posted question; returns the errors met (stale ones are quietly skipped)."""
    errors = []
    for item in items:
        if item["closed"]:
            continue
        try:
            services.answer_save(attempt_id=attempt.pk, user=request.user, position=item["position"],
                                 response=response_from_post(item, request.POST),
                                 sequence=posted_sequence(item, request.POST))
        except StaleAnswer:
            continue
        except AssessmentError as error:
            errors.append(error)
            if error.code in ("time_up", "not_live"):
                break
    return errors


@login_required
@require_POST
def attempt_save(request, pk: int):
    """The attempt form: autosave of one question (JavaScript, JSON answer), save, next, finish."""
    attempt = _own_attempt(request, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not attempt.is_live:
        if wants_json:
            return JsonResponse({"saved": False, "code": "not_live", "detail": _("This attempt is finished."),
                                 "result_url": attempt_result_url(attempt)}, status=409)
        return redirect("assessments:result", pk=attempt.pk)
    posted = {int(p) for p in request.POST.getlist("positions") if p.isascii() and p.isdigit()}
    items = [item for item in selectors.attempt_questions(attempt) if item["position"] in posted]
    errors = _save_posted(request, attempt, items)
    if wants_json:
        if errors:
            error = errors[0]
            return JsonResponse({"saved": False, "code": error.code, "detail": str(error.message),
                                 "result_url": attempt_result_url(attempt)}, status=error.status)
        return JsonResponse({"saved": True, "saved_at": timezone.localtime().strftime("%H:%M:%S")})
    for error in errors:
        messages.error(request, error.message)
    if any(error.code in ("time_up", "not_live") for error in errors):
        services.attempt_close_if_expired(attempt_id=attempt.pk)
        return redirect("assessments:result", pk=attempt.pk)
    action = request.POST.get("action", "save")
    if action == "next" and items:
        services.attempt_advance(attempt_id=attempt.pk, user=request.user, position=items[0]["position"])
    elif action == "finish":
        try:
            services.attempt_finish(attempt_id=attempt.pk, user=request.user)
        except AssessmentError as error:
            messages.error(request, error.message)
        return redirect("assessments:result", pk=attempt.pk)
    elif not errors:
        messages.success(request, _("Your answers are saved."))
    return redirect("assessments:attempt", pk=attempt.pk)


def attempt_result_url(attempt: Attempt) -> str:
    return reverse("assessments:result", args=[attempt.pk])


@login_required
@require_GET
def attempt_result(request, pk: int):
    attempt = _own_attempt(request, pk)
    if attempt.is_live:
        return redirect("assessments:attempt", pk=attempt.pk)
    policy = selectors.review_policy(attempt)
    return render(request, "assessments/result.html", {
        "attempt": attempt, "quiz": attempt.quiz, "policy": policy,
        "review": selectors.attempt_review(attempt, policy) if policy.any else [],
        "result": selectors.best_result(request.user, attempt.quiz),
    })


# --- contests (public: anonymous visitors on a phone) -----------------------------------------

def contest_list(request):
    now = timezone.now()
    contests = [(contest, selectors.current_round(contest, now)) for contest in selectors.published_contests()]
    return render(request, "assessments/contest_list.html", {"contests": contests, "now": now})


def _contest(slug: str) -> Contest:
    return get_object_or_404(Contest.objects.filter(is_published=True), slug=slug)


def contest_detail(request, slug: str):
    contest = _contest(slug)
    now = timezone.now()
    return render(request, "assessments/contest_detail.html", {
        "contest": contest, "rounds": selectors.contest_rounds(contest), "now": now,
        "current": selectors.current_round(contest, now),
        "may_enter": contest_services.may_enter(contest=contest, user=request.user),
    })


def _contest_round(slug: str, number: int) -> tuple[Contest, ContestRound]:
    """A published contest's round and the contest, in one query (the pages thousands of entrants open)."""
    contest_round = get_object_or_404(ContestRound.objects.select_related("contest"), contest__slug=slug,
                                      contest__is_published=True, number=number)
    return contest_round.contest, contest_round


def _entry_items(questions: list[dict], data=None) -> list[dict]:
    """What the entry form shows of the ticket's questions (``ticket_questions``), with the posted answers
    (checked, and kept in the entry's option names to fill the form back)."""
    items = []
    for drawn in questions:
        spec, tokens = drawn["spec"], drawn["tokens"]
        item = grading.present(spec, drawn["display"], tokens)
        item.update(position=drawn["position"], response=None, sequence=0, closed=False)
        if data is not None:
            raw = response_from_post(item, data)
            try:
                item["response"] = tokens.show(spec, grading.clean_response(spec, tokens.read(spec, raw)))
            except grading.InvalidResponse:
                item["response"] = None
        items.append(item)
    return prepare_for_form(items)


@require_http_methods(["GET", "POST"])
def round_enter(request, slug: str, number: int):
    """The entry form: who you are, the questions, the tie-break prediction. One POST submits it all."""
    contest, contest_round = _contest_round(slug, number)
    now = timezone.now()
    context = {"contest": contest, "round": contest_round}
    if not contest_services.round_is_open(contest_round, now) and request.method == "GET":
        return render(request, "assessments/round_closed.html", context, status=403)
    if not contest_services.may_enter(contest=contest, user=request.user):
        return render(request, "assessments/round_closed.html", {**context, "not_eligible": True}, status=403)
    units = contest.allowed_units.all() if contest.audience == Contest.Audience.RESTRICTED else None
    form_kwargs = {"units": entrant_units(contest), "tiebreak_label": contest_round.tiebreak_question
                   or _("How many entries will this round receive?")}
    if request.method == "GET":
        ticket = contest_services.entry_ticket(contest_round=contest_round, now=now)
        data = contest_services.read_ticket(contest_round=contest_round, ticket=ticket, now=now)
        questions = contest_services.ticket_questions(contest_round=contest_round, data=data)
        form = EntrantForm(initial=_entrant_initial(request.user), **form_kwargs)
        return render(request, "assessments/round_enter.html", {
            **context, "form": form, "form_html": _blank_form_html(request, contest_round, form),
            "ticket": ticket, "questions_html": _question_fields_html(_entry_items(questions)),
            "restricted_units": units})
    ticket = request.POST.get("ticket", "")
    form = EntrantForm(request.POST, **form_kwargs)
    try:
        data = contest_services.read_ticket(contest_round=contest_round, ticket=ticket, now=now)
    except AssessmentError as error:
        messages.error(request, error.message)
        return redirect("assessments:round_enter", slug=slug, number=number)
    questions = contest_services.ticket_questions(contest_round=contest_round, data=data)
    items = _entry_items(questions, request.POST)
    if form.is_valid():
        try:
            entry = contest_services.contest_entry_submit(
                contest_round=contest_round, ticket=ticket, questions=questions,
                responses={item["position"]: response_from_post(item, request.POST) for item in items},
                prediction=form.cleaned_data["prediction"], full_name=form.cleaned_data["full_name"],
                org_unit=form.cleaned_data["org_unit"], address=form.cleaned_data["address"],
                phone=form.cleaned_data["phone"], email=form.cleaned_data["email"], user=request.user,
                client_ip=client_ip(request), now=now)
        except AssessmentError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            return redirect("assessments:entry_done", slug=slug, token=signing.dumps(entry.pk, salt=ENTRY_SALT))
    else:
        status = 400
    return render(request, "assessments/round_enter.html", {
        **context, "form": form, "ticket": ticket, "items": items, "restricted_units": units}, status=status)


class RenderedFragments:
    """Rendered HTML by a digest of everything it shows, kept in this process (bounded, least recently
    used first out, re-rendered every ``seconds`` so that what a fragment links to stays current).

    The key says all the fragment depends on, so an entry is never wrong, only unused: it lives in
    memory rather than in the shared cache, where thousands of keys would push out boards, specs and
    rate-limit counters.
    """

    def __init__(self, size: int, seconds: int = 600):
        self.size, self.seconds = size, seconds
        self.entries: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, parts: tuple, render) -> str:
        key = hashlib.sha1(repr((int(time.time()) // self.seconds, *parts)).encode()).hexdigest()  # noqa: S324
        with self.lock:
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
                return html
        html = render()
        with self.lock:
            self.entries[key] = html
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return html


# a fieldset per question, position and order of options (a round of 20 questions of 4 options: 9,600)
QUESTION_FIELDS = RenderedFragments(size=20_000)
BLANK_FORMS = RenderedFragments(size=100)


# Stand-ins for an entrant's option names in a shared fieldset: a random stem per process (no question
# text can spell it) and the option's place in the fieldset
NAME_SLOT = f"n{secrets.token_hex(8)}"
NAME_SLOT_RE = re.compile(NAME_SLOT + r"(\d+)_")


def _question_fields_html(items: list[dict]) -> list[str]:
    """Each question's fields, rendered once and shared by every entrant who is shown the same thing.

    A fieldset depends only on what it shows (the allow-listed item: type, stem, options in their
    order, mark, position; no answer, the form is blank) and the language. Thousands of entrants open
    the same round: rendering their twenty fieldsets was most of the page's cost. Each entrant's
    options carry their own names (``grading.OptionTokens``): the shared fieldset is rendered with
    stand-ins by place, which are then replaced by this entrant's names (one regular expression).
    """
    language = translation.get_language()
    fields = []
    for item in items:
        names = [option["id"] for option in item["options"]] + [choice["key"] for choice in item["choices"]]
        count = len(item["options"])
        shared = {**item,
                  "options": [{**option, "id": f"{NAME_SLOT}{index}_"} for index, option in enumerate(item["options"])],
                  "choices": [{**choice, "key": f"{NAME_SLOT}{count + index}_"}
                              for index, choice in enumerate(item["choices"])]}
        html = QUESTION_FIELDS.get((language, shared), lambda shared=shared: render_to_string(
            "assessments/_question.html", {"item": shared, "prefix": "q", "with_sequence": False}))
        fields.append(mark_safe(NAME_SLOT_RE.sub(  # noqa: S308 - our own template's output, names are hex
            lambda match, names=names: names[int(match.group(1))], html)))
    return fields


def _blank_form_html(request, contest_round: ContestRound, form: EntrantForm) -> str | None:
    """The empty registration form of an anonymous visitor (the same for all of them), rendered once.

    Its key holds what it shows: the units offered (ids and names), the tie-break question and the
    language. A signed-in visitor's form is filled from their profile: rendered by the page (None).
    """
    if request.user.is_authenticated:
        return None
    units = [(unit.pk, str(unit)) for unit in form.fields["org_unit"].queryset]
    parts = (translation.get_language(), contest_round.contest_id, units, str(form.fields["prediction"].label))
    return mark_safe(BLANK_FORMS.get(  # noqa: S308 - our own template's output
        parts, lambda: render_to_string("lms/form_fields.html", {"form": form})))


def entrant_units(contest: Contest):
    units = OrgUnit.objects.filter(is_active=True).order_by("path")
    if contest.audience == Contest.Audience.RESTRICTED:
        condition = Q(pk__in=[])
        for unit in contest.allowed_units.all():
            condition |= Q(path__startswith=unit.path)
        units = units.filter(condition)
    return units


def _entrant_initial(user) -> dict:
    profile = profile_of(user)
    if profile is None:
        return {}
    return {"full_name": profile.full_name, "org_unit": profile.org_unit_id, "phone": profile.phone,
            "email": profile.email or user.email}


ENTRY_SALT = "assessments.entry-done"


def entry_done(request, slug: str, token: str):
    try:
        entry_id = signing.loads(token, salt=ENTRY_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    entry = get_object_or_404(ContestEntry.objects.select_related("round__contest", "entrant").defer("answers"),
                              pk=entry_id, round__contest__slug=slug, round__contest__is_published=True)
    contest = entry.round.contest
    return render(request, "assessments/entry_done.html", {
        "contest": contest, "round": entry.round, "entry": entry, "rank": selectors.entry_rank(entry)})


def round_leaderboard(request, slug: str, number: int):
    contest, contest_round = _contest_round(slug, number)
    unit = None
    if request.GET.get("unit"):
        unit = OrgUnit.objects.filter(code=request.GET["unit"]).first()
    board = selectors.round_board(contest_round, org_unit=unit)
    return render(request, "assessments/leaderboard.html", {
        "contest": contest, "round": contest_round, "unit": unit, "rows": board.rows, "standings": board.standings,
        "actual": board.actual, "computed_at": board.computed_at, "rounds": selectors.contest_rounds(contest),
    })


# --- surveys ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def survey_page(request, pk: int):
    """A satisfaction survey about a course or class the person is enrolled in: ``?subject=course:12``
    (set by the page that links here), or, without one, the person chooses among theirs."""
    survey = get_object_or_404(Survey, pk=pk)
    subjects = selectors.survey_subjects(request.user)
    subject = (request.GET.get("subject") or request.POST.get("subject") or "").strip()[:100]
    items = selectors.survey_items(survey)
    context = {"survey": survey, "subject": subject, "subject_label": subjects.get(subject, ""), "scale": SCALE,
               "subjects": subjects if not subject else {},
               "rows": [{"item": item, "value": "", "error": ""} for item in items]}
    if not subjects or (subject and subject not in subjects):
        return _survey_refused(request, context, SurveySubjectNotAllowed())
    if subject and selectors.has_answered(request.user, survey, subject):
        return _survey_refused(request, context, AlreadyAnswered())
    if not survey.is_active:
        return render(request, "assessments/survey_done.html", {**context, "closed": True})
    if request.method == "POST":
        answers = {item.pk: request.POST.get(f"item{item.pk}", "") for item in items}
        if not subject:
            context.update(has_errors=True, subject_error=_("Choose the course or class you are rating."),
                           rows=[{"item": item, "value": answers[item.pk], "error": ""} for item in items])
            return render(request, "assessments/survey.html", context, status=400)
        try:
            services.survey_submit(survey=survey, user=request.user, answers=answers, subject_key=subject)
        except AssessmentError as error:
            return _survey_refused(request, context, error)
        except ValidationError as error:
            errors = {int(key): value[0] for key, value in error.message_dict.items() if key.isdigit()}
            context.update(has_errors=True, rows=[{"item": item, "value": answers[item.pk],
                                                   "error": errors.get(item.pk, "")} for item in items])
            return render(request, "assessments/survey.html", context, status=400)
        return render(request, "assessments/survey_done.html", {**context, "thanks": True})
    return render(request, "assessments/survey.html", context)


def _survey_refused(request, context: dict, error: AssessmentError):
    return render(request, "assessments/survey_done.html", {**context, "message": error.message},
                  status=error.status)
