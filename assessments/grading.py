"""Grading without the database: a question *spec* and a learner's response in,
a fraction of the mark out.

A spec is the JSON snapshot of a question taken when an attempt starts (so an
edit to the bank never changes a running attempt): type, scoring, options with
their correctness and the numeric/true-false answer. ``present`` builds what a
learner may see of a spec from an allow-list, so correct answers and feedback
cannot leak through it; ``clean_response`` checks the shape of a response
before it is stored; ``grade`` scores it; ``combine`` applies a quiz's grading
method to the scores of several attempts.
"""
from __future__ import annotations

import random
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

from lms.text import fold, nfc

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
MATCHING = "matching"
ORDERING = "ordering"
ALL_OR_NOTHING = "all_or_nothing"
PARTIAL = "partial"

HIGHEST, LAST, FIRST, AVERAGE = "highest", "last", "first", "average"
MAX_TEXT_ANSWER = 500


class InvalidResponse(ValueError):
    """The response does not fit the question (unknown option, wrong shape)."""

    def __init__(self, message=None):
        super().__init__(str(message or _("This answer does not fit the question.")))


# --- matching rules -------------------------------------------------------------

def _strip_diacritics(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D")


def text_key(value: str, *, case_sensitive: bool = False, diacritics_sensitive: bool = False) -> str:
    """The comparison key of a short answer under the question's matching rules."""
    value = nfc(value)
    if not case_sensitive and not diacritics_sensitive:
        return fold(value)
    if not diacritics_sensitive:
        value = _strip_diacritics(value)
    if not case_sensitive:
        value = value.casefold()
    return value


def parse_number(value: Any) -> Decimal:
    """A number typed by a Vietnamese learner: "12,5" and "12.5" are both 12.5."""
    if isinstance(value, bool):
        raise InvalidResponse
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidResponse(_("Enter a number, e.g. 12 or 12,5.")) from None
    if not number.is_finite():
        raise InvalidResponse(_("Enter a number, e.g. 12 or 12,5."))
    return number


# --- presentation (what a learner may see) ----------------------------------------

def matching_choices(spec: dict) -> list[dict]:
    """Distinct right-hand texts of a matching question, keyed by the first option holding each."""
    seen: dict[str, dict] = {}
    for option in spec["options"]:
        match = option.get("match") or ""
        if match and fold(match) not in seen:
            seen[fold(match)] = {"key": str(option["id"]), "text": match}
    return list(seen.values())


def prompts(spec: dict) -> list[dict]:
    """Left-hand items of a matching question (options with a text; the others are distractors)."""
    return [option for option in spec["options"] if option.get("text")]


def display_order(spec: dict, *, shuffle: bool, rng: random.Random) -> dict:
    """The order options (and matching choices) are shown in, fixed once per attempt.

    Ordering questions are always shuffled: their stored order is the answer.
    """
    option_ids = [option["id"] for option in spec["options"]]
    if spec["type"] == MATCHING:
        option_ids = [option["id"] for option in prompts(spec)]
    if shuffle or spec["type"] == ORDERING:
        rng.shuffle(option_ids)
        if spec["type"] == ORDERING and len(option_ids) > 1 and option_ids == [o["id"] for o in spec["options"]]:
            option_ids.append(option_ids.pop(0))
    # matching choices are always shuffled: in stored order they line up with their prompts
    choices = [choice["key"] for choice in matching_choices(spec)] if spec["type"] == MATCHING else []
    rng.shuffle(choices)
    return {"options": option_ids, "choices": choices}


def present(spec: dict, display: dict) -> dict:
    """What a learner sees of a question before review: built from an allow-list.

    Never contains correctness, answers or feedback, whatever the spec holds.
    """
    by_id = {option["id"]: option for option in spec["options"]}
    shown = {"type": spec["type"], "stem": spec["stem"], "mark": spec["mark"], "options": [], "choices": []}
    if spec["type"] in (SINGLE, MULTIPLE, ORDERING, MATCHING):
        shown["options"] = [{"id": pk, "text": by_id[pk]["text"]} for pk in display.get("options", []) if pk in by_id]
    if spec["type"] == MATCHING:
        texts = {choice["key"]: choice["text"] for choice in matching_choices(spec)}
        shown["choices"] = [{"key": key, "text": texts[key]} for key in display.get("choices", []) if key in texts]
    return shown


# --- responses ---------------------------------------------------------------------

def _option_id(value: Any, allowed: set[int]) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise InvalidResponse from None
    if pk not in allowed:
        raise InvalidResponse
    return pk


def clean_response(spec: dict, raw: Any) -> Any:
    """A response in its stored form, or InvalidResponse. ``None`` (or "") clears the answer."""
    if raw is None or raw == "" or raw == [] or raw == {}:
        return None
    kind = spec["type"]
    option_ids = {option["id"] for option in spec["options"]}
    if kind == SINGLE:
        return _option_id(raw, option_ids)
    if kind == MULTIPLE:
        values = raw if isinstance(raw, (list, tuple)) else [raw]
        return sorted({_option_id(value, option_ids) for value in values})
    if kind == TRUE_FALSE:
        if isinstance(raw, bool):
            return raw
        word = fold(str(raw))
        if word in {"true", "1", "dung", "yes", "on"}:
            return True
        if word in {"false", "0", "sai", "no", "off"}:
            return False
        raise InvalidResponse
    if kind == SHORT_ANSWER:
        text = nfc(str(raw))
        if len(text) > MAX_TEXT_ANSWER:
            raise InvalidResponse(_("The answer is too long."))
        return text or None
    if kind == NUMERIC:
        parse_number(raw)
        return str(raw).strip()[:64]
    if kind == MATCHING:
        if not isinstance(raw, dict):
            raise InvalidResponse
        prompt_ids = {option["id"] for option in prompts(spec)}
        keys = {choice["key"] for choice in matching_choices(spec)}
        cleaned = {}
        for prompt, choice in raw.items():
            if choice in (None, ""):
                continue
            if str(choice) not in keys:
                raise InvalidResponse
            cleaned[str(_option_id(prompt, prompt_ids))] = str(choice)
        return cleaned or None
    if kind == ORDERING:
        if not isinstance(raw, (list, tuple)):
            raise InvalidResponse
        order = [_option_id(value, option_ids) for value in raw]
        if sorted(order) != sorted(option_ids):
            raise InvalidResponse
        return order
    raise InvalidResponse


# --- grading -------------------------------------------------------------------------

def _share(hits: int, total: int, partial: bool) -> Fraction:
    if total == 0:
        return Fraction(0)
    if partial:
        return Fraction(hits, total)
    return Fraction(1 if hits == total else 0)


def grade(spec: dict, response: Any) -> Fraction:
    """The fraction of the mark a stored response earns, in [0, 1]."""
    if response is None:
        return Fraction(0)
    kind = spec["type"]
    options = spec["options"]
    partial = spec.get("scoring") == PARTIAL
    if kind == SINGLE:
        return Fraction(1 if any(o["id"] == response and o["correct"] for o in options) else 0)
    if kind == MULTIPLE:
        chosen = set(response)
        correct = {o["id"] for o in options if o["correct"]}
        if not partial:
            return Fraction(1 if chosen == correct else 0)
        if not correct:
            return Fraction(0)
        # each right option adds 1/C, each wrong one takes 1/C away; never below zero
        value = Fraction(len(chosen & correct) - len(chosen - correct), len(correct))
        return max(Fraction(0), value)
    if kind == TRUE_FALSE:
        return Fraction(1 if response is spec["answer"]["value"] else 0)
    if kind == SHORT_ANSWER:
        rules = {"case_sensitive": spec["answer"].get("case_sensitive", False),
                 "diacritics_sensitive": spec["answer"].get("diacritics_sensitive", False)}
        given = text_key(response, **rules)
        return Fraction(1 if any(text_key(o["text"], **rules) == given for o in options if o["text"]) else 0)
    if kind == NUMERIC:
        try:
            value = parse_number(response)
        except InvalidResponse:
            return Fraction(0)
        answer = Decimal(spec["answer"]["value"])
        tolerance = abs(Decimal(spec["answer"].get("tolerance") or 0))
        return Fraction(1 if abs(value - answer) <= tolerance else 0)
    if kind == MATCHING:
        texts = {str(o["id"]): fold(o.get("match") or "") for o in options}
        items = prompts(spec)
        hits = sum(1 for o in items if texts.get(response.get(str(o["id"]), "")) == fold(o.get("match") or ""))
        return _share(hits, len(items), partial)
    if kind == ORDERING:
        correct = [o["id"] for o in options]
        hits = sum(1 for given, right in zip(response, correct) if given == right)
        return _share(hits, len(correct), partial)
    return Fraction(0)


def is_answered(response: Any) -> bool:
    return response not in (None, "", [], {})


def combine(method: str, scores: list[Decimal]) -> Decimal | None:
    """A quiz's grade from its finished attempts' scores (in attempt order)."""
    if not scores:
        return None
    if method == HIGHEST:
        return max(scores)
    if method == FIRST:
        return scores[0]
    if method == LAST:
        return scores[-1]
    total = sum(scores, Decimal(0))
    return (total / len(scores)).quantize(Decimal("0.01"))


# --- review (what becomes visible after the attempt) -----------------------------------

def correct_answer_text(spec: dict) -> list[str]:
    """The right answer in words, for the review page once the quiz allows it."""
    kind = spec["type"]
    if kind in (SINGLE, MULTIPLE):
        return [o["text"] for o in spec["options"] if o["correct"]]
    if kind == TRUE_FALSE:
        return [str(_("True")) if spec["answer"]["value"] else str(_("False"))]
    if kind == SHORT_ANSWER:
        return [o["text"] for o in spec["options"] if o["text"]]
    if kind == NUMERIC:
        tolerance = spec["answer"].get("tolerance") or "0"
        value = spec["answer"]["value"]
        return [value if Decimal(tolerance) == 0 else f"{value} ± {tolerance}"]
    if kind == MATCHING:
        return [f"{o['text']} → {o['match']}" for o in prompts(spec)]
    if kind == ORDERING:
        return [o["text"] for o in spec["options"]]
    return []


def response_text(spec: dict, response: Any) -> list[str]:
    """The learner's own answer in words."""
    if response is None:
        return []
    by_id = {o["id"]: o for o in spec["options"]}
    kind = spec["type"]
    if kind == SINGLE:
        return [by_id[response]["text"]] if response in by_id else []
    if kind in (MULTIPLE, ORDERING):
        return [by_id[pk]["text"] for pk in response if pk in by_id]
    if kind == TRUE_FALSE:
        return [str(_("True")) if response else str(_("False"))]
    if kind == MATCHING:
        texts = {c["key"]: c["text"] for c in matching_choices(spec)}
        return [f"{by_id[int(p)]['text']} → {texts.get(c, '')}" for p, c in response.items() if int(p) in by_id]
    return [str(response)]


def feedback_for(spec: dict, response: Any) -> list[str]:
    """Per-option feedback for the options the learner chose, then the general feedback (HTML)."""
    chosen: set[int] = set()
    if spec["type"] == SINGLE and response is not None:
        chosen = {response}
    elif spec["type"] == MULTIPLE and response:
        chosen = set(response)
    notes = [o["feedback"] for o in spec["options"] if o["id"] in chosen and o.get("feedback")]
    if spec["type"] == SHORT_ANSWER and response:
        rules = {"case_sensitive": spec["answer"].get("case_sensitive", False),
                 "diacritics_sensitive": spec["answer"].get("diacritics_sensitive", False)}
        notes += [o["feedback"] for o in spec["options"]
                  if o.get("feedback") and text_key(o["text"], **rules) == text_key(response, **rules)]
    return notes
