"""Contest rounds: the entry form's signed ticket, submitting and grading an entry, weekly rounds.

Opening a round's form writes nothing: the questions drawn and the moment the
form was served travel in a signed ticket (``entry_ticket``), so a crowd of
anonymous visitors costs no database writes until they submit. Submitting
checks the ticket, the round's window, the per-person entry limit (under a row
lock on the entrant) and a per-address rate limit against floods.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import random
import secrets
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from lms import ratelimit
from lms.text import fold, nfc
from people.selectors import profile_of

from .. import grading
from ..exceptions import ContestClosed, EntryExpired, EntryLimitReached, NotEligible, TooManyRequests
from ..models import Contest, ContestEntrant, ContestEntry, ContestRound, Question, RoundSlot
from .bank import draw_question_ids, plain_decimal, question_spec

TICKET_SALT = "assessments.contest-entry"
ENTRY_RATE_SCOPE = "assessments.contest-entry"  # lms.ratelimit: entries per client address and hour
GRACE = dt.timedelta(seconds=30)
CENT = Decimal("0.01")


def entries_per_ip_per_hour() -> int:
    return settings.CONTEST_ENTRIES_PER_IP_PER_HOUR


def round_is_open(contest_round: ContestRound, now) -> bool:
    return contest_round.opens_at <= now < contest_round.closes_at


def entry_ticket(*, contest_round: ContestRound, now=None) -> str:
    """Draw this visitor's questions and sign them with the time the form was served."""
    now = now or timezone.now()
    seed = secrets.randbits(62)
    drawn = draw_question_ids(slots=contest_round.slots.all(), shuffle=contest_round.shuffle_questions,
                              rng=random.Random(seed))
    payload = {"r": contest_round.pk, "t": int(now.timestamp() * 1000), "s": seed,
               "q": [[pk, str(mark)] for pk, mark in drawn]}
    return signing.dumps(payload, salt=TICKET_SALT, compress=True)


def read_ticket(*, contest_round: ContestRound, ticket: str, now=None) -> dict:
    """The ticket's data; EntryExpired when forged, for another round, or older than the time limit."""
    now = now or timezone.now()
    max_age = contest_round.time_limit + GRACE
    try:
        data = signing.loads(ticket, salt=TICKET_SALT, max_age=max_age.total_seconds())
    except signing.BadSignature:
        raise EntryExpired() from None
    if data.get("r") != contest_round.pk:
        raise EntryExpired()
    started = dt.datetime.fromtimestamp(data["t"] / 1000, tz=dt.UTC)
    if started > now + dt.timedelta(seconds=5) or now - started > max_age:
        raise EntryExpired()
    data["started_at"] = started
    return data


SPECS_CACHE_SECONDS = 300


def question_specs(ids: list[int]) -> dict[int, dict]:
    """The specs of these questions (with their right answers: server side only), from the cache.

    Thousands of entrants see the same twenty questions: one small query reads each one's
    ``updated_at`` (saving a question in the admin, with its options, or importing it touches
    it) and the specs are rebuilt only when one changed, instead of loading the questions and
    their options for every request.
    """
    version = list(Question.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "updated_at"))
    digest = hashlib.sha1(repr(version).encode()).hexdigest()  # noqa: S324 - a cache key, not a secret
    key = f"assessments:specs:{digest}"
    specs = cache.get(key)
    if specs is None:
        questions = Question.objects.filter(pk__in=ids).prefetch_related("options")
        specs = {question.pk: question_spec(question) for question in questions}
        cache.set(key, specs, SPECS_CACHE_SECONDS)
    return specs


DISPLAY_SALT = "assessments.contest-display"


def ticket_tokens(*, contest_round: ContestRound, data: dict) -> grading.OptionTokens:
    """The names this entry gives its options and choices (``grading.OptionTokens``), from the ticket's seed."""
    return grading.OptionTokens(f"entry:{contest_round.pk}:{data['s']}")


def ticket_questions(*, contest_round: ContestRound, data: dict) -> list[dict]:
    """The ticket's questions: spec, display order, position and the entry's option names
    (``tokens``, one object shared by the items), in the order they were shown.

    The ticket is signed, not secret: its seed can be read. The display orders are drawn from a
    keyed hash of it, so nobody can replay the shuffles and read an ordering question's answer.
    """
    specs = question_specs([int(pk) for pk, _mark in data["q"]])
    rng = random.Random(salted_hmac(DISPLAY_SALT, str(data["s"]), algorithm="sha256").hexdigest())
    tokens = ticket_tokens(contest_round=contest_round, data=data)
    items = []
    for position, (pk, mark) in enumerate(data["q"]):
        if int(pk) not in specs:
            continue
        spec = {**specs[int(pk)], "mark": plain_decimal(Decimal(mark))}
        display = grading.display_order(spec, shuffle=contest_round.shuffle_options, rng=rng)
        items.append({"position": position, "spec": spec, "display": display, "tokens": tokens})
    return items


def identity_key(*, phone: str, email: str) -> str:
    """One person per contest: their phone number (digits) or, without one, their e-mail."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits:
        if digits.startswith("84") and len(digits) >= 11:
            digits = "0" + digits[2:]
        return f"tel:{digits}"
    return f"mail:{fold(email)}"


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def may_enter(*, contest: Contest, user) -> bool:
    if contest.audience == Contest.Audience.PUBLIC:
        return True
    profile = profile_of(user)
    if profile is None:
        return False
    return any(profile.org_unit.path.startswith(unit.path) for unit in contest.allowed_units.all())


# the related rows were read from the database in this request: no query per foreign key to check them
KNOWN_RELATIONS = ["contest", "org_unit", "user", "round", "entrant"]


def _locked_entrant(*, contest: Contest, key: str, details: dict, user) -> ContestEntrant:
    """The person's entrant row, locked until the transaction ends (created on their first entry)."""
    entrant = ContestEntrant.objects.select_for_update().filter(contest=contest, identity_key=key).first()
    if entrant is not None:
        return entrant
    try:
        with transaction.atomic():  # a savepoint: the same person's concurrent first entry may win
            entrant = ContestEntrant(contest=contest, identity_key=key, user=user, **details)
            entrant.full_clean(exclude=KNOWN_RELATIONS, validate_constraints=False)
            entrant.save()
        return entrant  # a row this transaction inserted stays ours until it commits
    except IntegrityError:
        return ContestEntrant.objects.select_for_update().get(contest=contest, identity_key=key)


def contest_entry_submit(*, contest_round: ContestRound, ticket: str, responses: dict[int, object],
                         prediction: int, full_name: str, org_unit=None, address: str = "", phone: str = "",
                         email: str = "", user=None, client_ip: str | None = None, now=None,
                         questions: list[dict] | None = None) -> ContestEntry:
    """Grade and store one entry. ``responses`` maps each question's position to its raw answer,
    options and choices named by the entry's tokens (``ticket_questions``), never by ids.

    ``questions`` is ``ticket_questions`` of this ticket when the caller has already read them (the
    entry page does, to read the posted answers): they are not read a second time.
    Raises ContestClosed, EntryExpired, NotEligible, EntryLimitReached or TooManyRequests.
    """
    now = now or timezone.now()
    contest = contest_round.contest
    if not (contest_round.opens_at <= now <= contest_round.closes_at + GRACE):
        raise ContestClosed()
    data = read_ticket(contest_round=contest_round, ticket=ticket, now=now)
    if not may_enter(contest=contest, user=user):
        raise NotEligible()
    client_ip = _valid_ip(client_ip)
    if client_ip and not ratelimit.hit(ENTRY_RATE_SCOPE, client_ip, limit=entries_per_ip_per_hour(), period=3600):
        raise TooManyRequests()
    if contest.audience == Contest.Audience.RESTRICTED:
        org_unit = profile_of(user).org_unit
    answers, score, max_score, all_right = [], Decimal(0), Decimal(0), True
    if questions is None:
        questions = ticket_questions(contest_round=contest_round, data=data)
    for item in questions:
        spec = item["spec"]
        try:
            response = grading.clean_response(spec, item["tokens"].read(spec, responses.get(item["position"])))
        except grading.InvalidResponse:
            response = None
        fraction = grading.grade(spec, response)
        awarded = (Decimal(spec["mark"]) * fraction.numerator / fraction.denominator).quantize(CENT)
        score += awarded
        max_score += Decimal(spec["mark"])
        all_right = all_right and fraction == 1
        answers.append({"position": item["position"], "question": spec["id"], "response": response,
                        "awarded": str(awarded)})
    started = data["started_at"]
    taken = min(now - started, contest_round.time_limit + GRACE)
    details = {"full_name": nfc(full_name), "org_unit": org_unit, "address": nfc(address), "phone": phone,
               "email": email.strip().lower()}
    key = identity_key(phone=phone, email=email)
    with transaction.atomic():
        entrant = _locked_entrant(contest=contest, key=key, details=details,
                                  user=user if user and user.pk else None)
        used = ContestEntry.objects.filter(round=contest_round, entrant=entrant).count()
        if used >= contest.entries_per_round:
            raise EntryLimitReached()
        entry = ContestEntry(round=contest_round, entrant=entrant, number=used + 1, answers=answers,
                             score=score.quantize(CENT), max_score=max_score, all_correct=bool(answers) and all_right,
                             prediction=prediction, started_at=started, submitted_at=now,
                             time_taken_ms=max(0, int(taken.total_seconds() * 1000)), client_ip=client_ip)
        entry.full_clean(exclude=KNOWN_RELATIONS, validate_constraints=False)
        entry.save()
    return entry


@transaction.atomic
def contest_rounds_create_weekly(*, contest: Contest, first_opens_at: dt.datetime, weeks: int,
                                 slots: list[dict], time_limit_minutes: int = 30,
                                 tiebreak_question: str = "") -> list[ContestRound]:
    """Add ``weeks`` weekly rounds after the contest's last one, each drawing ``slots``
    (dicts of RoundSlot fields: ``question`` or ``category`` + ``count``). Idempotent on round numbers."""
    rounds = []
    last = contest.rounds.order_by("-number").values_list("number", flat=True).first() or 0
    for week in range(weeks):
        number = last + week + 1
        opens = first_opens_at + dt.timedelta(weeks=week)
        contest_round, created = ContestRound.objects.get_or_create(
            contest=contest, number=number,
            defaults={"opens_at": opens, "closes_at": opens + dt.timedelta(weeks=1),
                      "time_limit_minutes": time_limit_minutes, "tiebreak_question": tiebreak_question})
        if created:
            RoundSlot.objects.bulk_create(RoundSlot(round=contest_round, sort_order=order, **slot)
                                          for order, slot in enumerate(slots))
        rounds.append(contest_round)
    return rounds
