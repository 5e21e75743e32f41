"""The grader is fit for marks: a step not taken or taken the wrong way is always wrong and named, and a slip costs
the slipped answers only -- every later answer that follows correctly from it is credited as follow-through."""

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import deltaprop as dp
from deltaprop.explain.exercise import grading

from .student import Impossible, Student

ALL = "z,a,cost,delta,grad,update"


def _sheet(level, seed, ask=ALL):
    return dp.exercise(level, seed, ask=ask).to_dict()


@pytest.mark.parametrize("level", [1, 2, 3])
def test_updates_not_taken_or_of_the_wrong_sign_are_always_wrong_and_named(level):
    wrong_passed = []
    for seed in range(200):
        sheet = _sheet(level, seed, ask="update")
        right = {q["id"]: q["value"] for q in sheet["questions"]}
        for slip, write in (("no_update", lambda q: q["base"]),
                            ("plus_update", lambda q: 2 * q["base"] - q["value"])):      # w − (step)
            answers = {qid: write(q) for qid, q in ((q["id"], q) for q in sheet["questions"])}
            grade = grading.grade(sheet, answers)
            for r in grade.results:
                if r.status != "wrong" or r.slip != slip:
                    wrong_passed.append((level, seed, r.id, slip, r.status, r.slip))
        assert grading.grade(sheet, right).right == len(sheet["questions"])
    assert wrong_passed == []


def test_a_correct_key_rounded_by_hand_passes():
    for level in (1, 2, 3):
        for seed in range(20):
            sheet = _sheet(level, seed)
            answers = {q["id"]: round(q["value"], 6 if q["kind"] == "update" else 4) for q in sheet["questions"]}
            grade = grading.grade(sheet, answers)
            assert grade.right == grade.total, [r for r in grade.results if r.status != "right"]


def test_the_tolerance_is_the_larger_of_absolute_and_relative():
    assert grading.close(1000.0 + 4.9, 1000.0) and not grading.close(1000.0 + 5.1, 1000.0)     # 0.5 %
    assert grading.close(0.01 + 0.00049, 0.01) and not grading.close(0.01 + 0.00051, 0.01)     # 0.0005
    assert not grading.close(0.5, 0.5003, base=0.5)           # not updated: the step 0 is not the step 0.0003
    assert not grading.close(0.4997, 0.5003, base=0.5)        # the wrong way


def _slips_of(sheet):
    return [(q["id"], slip) for q in sheet["questions"] for slip in q["slips"]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level=st.sampled_from([1, 2, 3]), seed=st.integers(0, 10**6), pick=st.integers(0, 10**6))
def test_one_slip_costs_only_the_slipped_answer_and_the_rest_follows_through(level, seed, pick):
    sheet = _sheet(level, seed)
    slips = _slips_of(sheet)
    slip_id, slip = slips[pick % len(slips)]
    try:
        answers = Student(sheet, slip_id, slip).work()
    except Impossible:                      # e.g. a = z on a softmax output leaves no ln a to take
        assume(False)
    assert set(answers) == {q["id"] for q in sheet["questions"]}
    grade = grading.grade(sheet, answers)
    wrong = [r for r in grade.results if r.status == "wrong"]
    assert [(r.id, r.slip) for r in wrong] == [(slip_id, slip)], [r for r in grade.results if r.status != "right"]
    assert sum(r.slip is not None for r in grade.results) == 1                # named once
    assert grade.with_follow_through == grade.total - 1
    order = [q["id"] for q in sheet["questions"]]
    assert all(order.index(r.id) > order.index(slip_id) for r in grade.results if r.status == "follow-through")


@pytest.mark.parametrize("level, slip_id, slip", [(1, "z2_1", "no_bias"), (1, "delta3_1", "no_sigma"),
                                                  (3, "delta3_1[1]", "softmax_elementwise")])
def test_the_issues_cases_a_slip_early_then_every_step_right(level, slip_id, slip):
    seed = next(s for s in range(50) if (slip_id, slip) in _slips_of(_sheet(level, s)))
    sheet = _sheet(level, seed)
    grade = grading.grade(sheet, Student(sheet, slip_id, slip).work())
    statuses = {r.id: r.status for r in grade.results}
    assert statuses[slip_id] == "wrong" and list(statuses.values()).count("wrong") == 1
    assert list(statuses.values()).count("follow-through") >= 3
    report = grade.as_dict()
    assert report["score_with_follow_through"] == report["total"] - 1 and report["score"] < report["total"] - 3
    assert {r["status"] for r in report["results"]} <= set(grading.STATUSES)
    json.dumps(report)


def test_the_same_slip_twice_is_named_once():
    sheet = _sheet(1, 0)
    answers = Student(sheet).work()
    for q in sheet["questions"]:
        if q["kind"] == "update":
            answers[q["id"]] = q["base"]
    results = [r for r in grading.grade(sheet, answers).results if r.slip]
    assert results and all(r.slip == "no_update" for r in results)
    assert [r.repeat for r in results] == [False] + [True] * (len(results) - 1)
