"""Grading, checked with properties (hypothesis) for every question type and grading method."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assessments import grading

option_texts = st.lists(st.text(alphabet="abcdeghiklmnopqrstuvxyăâđêôơưáàảãạ ", min_size=1, max_size=12)
                        .map(str.strip).filter(bool), min_size=2, max_size=7, unique_by=grading.text_key)


def choice_spec(kind, texts, correct_flags, scoring=grading.ALL_OR_NOTHING):
    return {"id": 1, "type": kind, "scoring": scoring, "mark": "1", "stem": "", "general_feedback": "",
            "options": [{"id": 10 + n, "text": t, "match": "", "correct": c, "feedback": ""}
                        for n, (t, c) in enumerate(zip(texts, correct_flags))], "answer": {}}


@given(texts=option_texts, data=st.data())
def test_single_choice_scores_one_only_for_the_right_option(texts, data):
    right = data.draw(st.integers(0, len(texts) - 1))
    spec = choice_spec(grading.SINGLE, texts, [n == right for n in range(len(texts))])
    chosen = data.draw(st.sampled_from([o["id"] for o in spec["options"]]))
    expected = 1 if chosen == spec["options"][right]["id"] else 0
    assert grading.grade(spec, grading.clean_response(spec, str(chosen))) == expected


@given(texts=option_texts, data=st.data())
def test_multiple_all_or_nothing_needs_the_exact_set(texts, data):
    flags = data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
    assume(any(flags))
    spec = choice_spec(grading.MULTIPLE, texts, flags)
    ids = [o["id"] for o in spec["options"]]
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True))
    correct = {o["id"] for o in spec["options"] if o["correct"]}
    score = grading.grade(spec, grading.clean_response(spec, chosen))
    assert score == (1 if set(chosen) == correct else 0)


@given(texts=option_texts, data=st.data())
def test_multiple_partial_credit_is_bounded_and_monotone(texts, data):
    flags = data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
    assume(any(flags))
    spec = choice_spec(grading.MULTIPLE, texts, flags, scoring=grading.PARTIAL)
    ids = [o["id"] for o in spec["options"]]
    correct = {o["id"] for o in spec["options"] if o["correct"]}
    chosen = set(data.draw(st.lists(st.sampled_from(ids), unique=True)))
    score = grading.grade(spec, sorted(chosen) or None)
    assert 0 <= score <= 1
    assert grading.grade(spec, sorted(correct)) == 1
    # one more right option never lowers the score; one more wrong option never raises it
    for extra in set(ids) - chosen:
        more = grading.grade(spec, sorted(chosen | {extra}))
        assert (more >= score) if extra in correct else (more <= score)
    # the score is exactly (right - wrong) / number right, floored at zero
    assert score == max(Fraction(0), Fraction(len(chosen & correct) - len(chosen - correct), len(correct)))


@given(truth=st.booleans(), answer=st.sampled_from(["true", "false", "Đúng", "Sai", "1", "0", True, False]))
def test_true_false(truth, answer):
    spec = {"id": 1, "type": grading.TRUE_FALSE, "options": [], "answer": {"value": truth}}
    given_value = grading.clean_response(spec, answer)
    assert grading.grade(spec, given_value) == (1 if given_value == truth else 0)


def _vary_case(text, flips):
    return "".join(ch.upper() if flip else ch for ch, flip in zip(text, flips + [False] * len(text)))


@given(texts=option_texts, data=st.data())
def test_short_answer_ignores_case_and_diacritics_by_default(texts, data):
    accepted = texts[0]
    spec = {"id": 1, "type": grading.SHORT_ANSWER, "options": [{"id": 1, "text": accepted, "correct": True}],
            "answer": {"case_sensitive": False, "diacritics_sensitive": False}}
    flips = data.draw(st.lists(st.booleans(), max_size=len(accepted)))
    typed = _vary_case(grading._strip_diacritics(accepted) if data.draw(st.booleans()) else accepted, flips)
    assert grading.grade(spec, grading.clean_response(spec, f"  {typed} ")) == 1
    for other in texts[1:]:
        assert grading.grade(spec, grading.clean_response(spec, other)) == 0


def test_short_answer_sensitivity_rules():
    def spec(case, marks):
        return {"id": 1, "type": grading.SHORT_ANSWER, "options": [{"id": 1, "text": "Hiến pháp", "correct": True}],
                "answer": {"case_sensitive": case, "diacritics_sensitive": marks}}

    assert grading.grade(spec(False, False), "HIEN PHAP") == 1
    assert grading.grade(spec(True, False), "hien phap") == 0
    assert grading.grade(spec(True, False), "Hien phap") == 1
    assert grading.grade(spec(False, True), "hiến PHÁP") == 1
    assert grading.grade(spec(False, True), "hien phap") == 0
    # composed and decomposed Vietnamese are the same answer
    assert grading.grade(spec(True, True), "Hie\u0302\u0301n pha\u0301p") == 1


@given(answer=st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False),
       tolerance=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
       typed=st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False),
       comma=st.booleans())
def test_numeric_with_tolerance(answer, tolerance, typed, comma):
    spec = {"id": 1, "type": grading.NUMERIC, "options": [],
            "answer": {"value": str(answer), "tolerance": str(tolerance)}}
    text = format(typed, "f").replace(".", ",") if comma else format(typed, "f")
    assert grading.grade(spec, grading.clean_response(spec, text)) == (1 if abs(typed - answer) <= tolerance else 0)


def matching_spec(n, scoring):
    options = [{"id": 100 + i, "text": f"Luật {i}", "match": f"năm {2000 + i}", "correct": False, "feedback": ""}
               for i in range(n)]
    options.append({"id": 999, "text": "", "match": "năm 1999", "correct": False, "feedback": ""})  # a distractor
    return {"id": 1, "type": grading.MATCHING, "scoring": scoring, "options": options, "answer": {}}


@given(n=st.integers(2, 6), data=st.data(), scoring=st.sampled_from([grading.PARTIAL, grading.ALL_OR_NOTHING]))
def test_matching_scores_the_share_of_right_pairs(n, data, scoring):
    spec = matching_spec(n, scoring)
    keys = [c["key"] for c in grading.matching_choices(spec)]
    assert len(keys) == n + 1
    picks = data.draw(st.lists(st.sampled_from(keys), min_size=n, max_size=n))
    response = grading.clean_response(spec, {str(100 + i): key for i, key in enumerate(picks)})
    right = sum(1 for i, key in enumerate(picks) if key == str(100 + i))
    expected = Fraction(right, n) if scoring == grading.PARTIAL else Fraction(1 if right == n else 0)
    assert grading.grade(spec, response) == expected


@given(n=st.integers(2, 7), data=st.data(), scoring=st.sampled_from([grading.PARTIAL, grading.ALL_OR_NOTHING]))
def test_ordering_scores_items_in_their_place(n, data, scoring):
    spec = {"id": 1, "type": grading.ORDERING, "scoring": scoring, "answer": {},
            "options": [{"id": 50 + i, "text": f"Bước {i}", "match": "", "correct": False} for i in range(n)]}
    order = data.draw(st.permutations([50 + i for i in range(n)]))
    placed = sum(1 for index, pk in enumerate(order) if pk == 50 + index)
    expected = Fraction(placed, n) if scoring == grading.PARTIAL else Fraction(1 if placed == n else 0)
    assert grading.grade(spec, grading.clean_response(spec, order)) == expected


def test_responses_that_do_not_fit_are_refused():
    spec = choice_spec(grading.SINGLE, ["a", "b"], [True, False])
    for bad in ("999", "x", [10, 11]):
        with pytest.raises(grading.InvalidResponse):
            grading.clean_response(spec, bad)
    ordering = {"id": 1, "type": grading.ORDERING, "options": [{"id": 1, "text": "a"}, {"id": 2, "text": "b"}]}
    with pytest.raises(grading.InvalidResponse):
        grading.clean_response(ordering, [1, 1])
    with pytest.raises(grading.InvalidResponse):
        grading.clean_response({"id": 1, "type": grading.NUMERIC, "options": [], "answer": {}}, "mười hai")
    assert grading.grade(spec, None) == 0


@given(scores=st.lists(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False), min_size=1,
                       max_size=8))
def test_grading_methods(scores):
    assert grading.combine(grading.HIGHEST, scores) == max(scores)
    assert grading.combine(grading.FIRST, scores) == scores[0]
    assert grading.combine(grading.LAST, scores) == scores[-1]
    average = grading.combine(grading.AVERAGE, scores)
    assert min(scores) <= average <= max(scores)
    assert abs(average - sum(scores) / len(scores)) <= Decimal("0.005")
    assert grading.combine(grading.HIGHEST, []) is None


@given(texts=option_texts, shuffle=st.booleans(), seed=st.integers(0, 10**6))
def test_presentation_never_carries_answers_or_feedback(texts, shuffle, seed):
    import random

    spec = choice_spec(grading.MULTIPLE, texts, [True] + [False] * (len(texts) - 1))
    spec["options"][0]["feedback"] = "ĐÚNG-RỒI-FEEDBACK"
    spec["general_feedback"] = "<p>GENERAL-FEEDBACK</p>"
    shown = grading.present(spec, grading.display_order(spec, shuffle=shuffle, rng=random.Random(seed)),
                            grading.OptionTokens(f"attempt:{seed}"))
    assert sorted(o["text"] for o in shown["options"]) == sorted(texts)
    # the option texts themselves may spell "correct"; everything else must not
    flat = repr({**shown, "options": [option["id"] for option in shown["options"]]})
    assert "correct" not in flat and "FEEDBACK" not in repr(shown)
    assert all(set(option) == {"id", "text"} for option in shown["options"])


# --- opaque option names (issue 13, finding 3) -----------------------------------------------


@given(n=st.integers(2, 6), seed=st.integers(0, 10**6), data=st.data())
def test_option_names_hide_ids_and_map_back(n, seed, data):
    import random

    spec = {**matching_spec(n, grading.PARTIAL), "stem": "<p>Ghép luật với năm ban hành</p>", "mark": "1"}
    tokens = grading.OptionTokens(f"attempt:{seed}")
    shown = grading.present(spec, grading.display_order(spec, shuffle=True, rng=random.Random(seed)), tokens)
    ids = {str(option["id"]) for option in spec["options"]}
    names = [option["id"] for option in shown["options"]] + [choice["key"] for choice in shown["choices"]]
    # nothing shown is an id, and a prompt never shares its name with the choice it matches
    assert not ids & set(names) and len(set(names)) == len(names)
    picks = data.draw(st.lists(st.sampled_from([c["key"] for c in shown["choices"]]), min_size=n, max_size=n))
    raw = {option["id"]: pick for option, pick in zip(shown["options"], picks)}
    stored = grading.clean_response(spec, tokens.read(spec, raw))
    assert tokens.show(spec, stored) == raw
    # the same answer in ids (what the old pages showed) is refused
    with pytest.raises(grading.InvalidResponse):
        tokens.read(spec, {str(100 + i): str(100 + i) for i in range(n)})


def test_another_attempt_names_the_same_options_differently():
    spec = choice_spec(grading.SINGLE, ["a", "b", "c"], [True, False, False])
    first, second = grading.OptionTokens("attempt:1"), grading.OptionTokens("attempt:2")
    assert {first.option(o["id"]) for o in spec["options"]}.isdisjoint({second.option(o["id"]) for o in spec["options"]})
    with pytest.raises(grading.InvalidResponse):
        second.read(spec, first.option(10))


@pytest.mark.parametrize("typed", ["1e9999999", "-1E+999999999", "1e-9999999", "9" * 16, "0," + "1" * 11,
                                   "1" * 65, "Infinity", "NaN", 10**80, float("inf")])
def test_absurd_numbers_are_refused_when_saved_and_never_break_grading(typed):
    """Finding 9: "1e9999999" was saved, then grading raised decimal.Overflow."""
    spec = {"id": 1, "type": grading.NUMERIC, "options": [], "answer": {"value": "12", "tolerance": "0.5"}}
    with pytest.raises(grading.InvalidResponse):
        grading.clean_response(spec, typed)
    assert grading.grade(spec, str(typed)) == 0  # an answer saved before the bounds existed
