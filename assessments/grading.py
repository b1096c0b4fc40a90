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

import hashlib
import hmac
import random
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.crypto import salted_hmac
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
# a typed number: at most 15 digits before the decimal point and 10 after it (no quiz asks more;
# "1e9999999" would overflow the arithmetic of grading)
MAX_NUMBER_TEXT = 64
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 10


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
    """A number typed by a Vietnamese learner: "12,5" and "12.5" are both 12.5.

    Bounded: at most MAX_INTEGER_DIGITS digits before the decimal point and MAX_DECIMAL_PLACES
    after it; anything else (infinity, "1e9999999", a thousand digits) is InvalidResponse, so a
    saved answer can always be graded.
    """
    if isinstance(value, bool):
        raise InvalidResponse
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, int):
        value = str(value) if abs(value) < 10 ** MAX_NUMBER_TEXT else "inf"
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if len(text) > MAX_NUMBER_TEXT:
            raise InvalidResponse(_("This number is too long."))
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise InvalidResponse(_("Enter a number, e.g. 12 or 12,5.")) from None
    if not number.is_finite():
        raise InvalidResponse(_("Enter a number, e.g. 12 or 12,5."))
    if number.is_zero():
        return Decimal(0)
    # adjusted() reads the exponent without arithmetic: no overflow, whatever was typed
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise InvalidResponse(_("This number is too large: at most %(digits)s digits before the decimal point.")
                              % {"digits": MAX_INTEGER_DIGITS})
    if number.adjusted() < -MAX_DECIMAL_PLACES or -number.normalize().as_tuple().exponent > MAX_DECIMAL_PLACES:
        raise InvalidResponse(_("Too many digits after the decimal point: at most %(places)s.")
                              % {"places": MAX_DECIMAL_PLACES})
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
    """The order options (and matching choices) are shown in, fixed once per attempt (server side).

    Ordering questions are always shuffled, their stored order being the answer; with three items
    or more never into that order (with two, a shuffle is right half the time whatever we do).
    Matching choices are always shuffled: in stored order they line up with their prompts.
    """
    option_ids = [option["id"] for option in spec["options"]]
    if spec["type"] == MATCHING:
        option_ids = [option["id"] for option in prompts(spec)]
    if shuffle or spec["type"] == ORDERING:
        rng.shuffle(option_ids)
        if spec["type"] == ORDERING and len(option_ids) > 2 and option_ids == [o["id"] for o in spec["options"]]:
            option_ids.append(option_ids.pop(0))
    choices = [choice["key"] for choice in matching_choices(spec)] if spec["type"] == MATCHING else []
    rng.shuffle(choices)
    return {"options": option_ids, "choices": choices}


TOKEN_SALT = "assessments.grading.option-token"


class OptionTokens:
    """The opaque names one attempt (or contest entry) gives its options and matching choices.

    The browser and the API never see option ids: ids ascend in the bank's order (an ordering
    question's answer) and a matching choice was keyed by the id of the option it matches. A name is
    an HMAC, keyed by the server's secret, of the attempt's ``scope`` and the option: it says nothing
    about the option, and another attempt names the same option differently. Options and choices
    are named apart, so a prompt and the choice it matches never share a name.

    Responses are stored with ids, as before: ``read`` maps a learner's names back (an unknown
    name, or an id, is refused) and ``show`` maps a saved response forward.
    """

    def __init__(self, scope: str):
        self._key = salted_hmac(TOKEN_SALT, scope, algorithm="sha256").digest()

    def __eq__(self, other) -> bool:
        return isinstance(other, OptionTokens) and hmac.compare_digest(self._key, other._key)

    __hash__ = None

    def __repr__(self) -> str:
        return "<OptionTokens>"

    def _name(self, kind: str, value) -> str:
        return "t" + hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:16]

    def option(self, pk: int) -> str:
        return self._name("option", pk)

    def choice(self, key: str) -> str:
        return self._name("choice", key)

    def read(self, spec: dict, raw: Any) -> Any:
        """A response in the learner's names -> the same response in option ids (then ``clean_response``).

        InvalidResponse for a name this attempt did not show (a guessed id included).
        """
        kind = spec["type"]
        if kind not in (SINGLE, MULTIPLE, MATCHING, ORDERING) or raw is None or raw == "" or raw == [] \
                or raw == {}:
            return raw
        by_name = {self.option(option["id"]): option["id"] for option in spec["options"]}

        def option_id(name) -> int:
            if not isinstance(name, str) or name not in by_name:
                raise InvalidResponse
            return by_name[name]

        if kind == SINGLE:
            return option_id(raw)
        if kind == MULTIPLE:
            return [option_id(name) for name in (raw if isinstance(raw, (list, tuple)) else [raw])]
        if kind == ORDERING:
            if not isinstance(raw, (list, tuple)):
                raise InvalidResponse
            return [option_id(name) for name in raw]
        if not isinstance(raw, dict):
            raise InvalidResponse
        choices = {self.choice(choice["key"]): choice["key"] for choice in matching_choices(spec)}
        cleaned = {}
        for prompt, choice in raw.items():
            if choice in (None, ""):
                continue
            if not isinstance(choice, str) or choice not in choices:
                raise InvalidResponse
            cleaned[str(option_id(prompt))] = choices[choice]
        return cleaned

    def show(self, spec: dict, response: Any) -> Any:
        """A saved response (option ids) in this attempt's names, to fill the form or the API back."""
        if response is None:
            return None
        kind = spec["type"]
        if kind == SINGLE:
            return self.option(response)
        if kind in (MULTIPLE, ORDERING):
            return [self.option(pk) for pk in response]
        if kind == MATCHING:
            return {self.option(prompt): self.choice(choice) for prompt, choice in response.items()}
        return response


def present(spec: dict, display: dict, tokens: OptionTokens) -> dict:
    """What a learner sees of a question before review: built from an allow-list.

    Never contains correctness, answers, feedback or option ids, whatever the spec holds:
    options and choices are named by ``tokens``, in the attempt's display order.
    """
    by_id = {option["id"]: option for option in spec["options"]}
    shown = {"type": spec["type"], "stem": spec["stem"], "mark": spec["mark"], "options": [], "choices": []}
    if spec["type"] in (SINGLE, MULTIPLE, ORDERING, MATCHING):
        shown["options"] = [{"id": tokens.option(pk), "text": by_id[pk]["text"]}
                            for pk in display.get("options", []) if pk in by_id]
    if spec["type"] == MATCHING:
        texts = {choice["key"]: choice["text"] for choice in matching_choices(spec)}
        shown["choices"] = [{"key": tokens.choice(key), "text": texts[key]}
                            for key in display.get("choices", []) if key in texts]
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
        text = str(raw).strip()
        if len(text) > MAX_NUMBER_TEXT:
            raise InvalidResponse(_("This number is too long."))
        parse_number(text if isinstance(raw, str) else raw)
        return text
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
            answer = Decimal(spec["answer"]["value"])
            tolerance = abs(Decimal(spec["answer"].get("tolerance") or 0))
            return Fraction(1 if abs(value - answer) <= tolerance else 0)
        except (InvalidResponse, ArithmeticError):  # saved before numbers were bounded: graded wrong
            return Fraction(0)
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
