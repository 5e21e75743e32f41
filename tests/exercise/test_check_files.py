"""``deltaprop check`` trusts no file: a sheet, a key or an answers file that is malformed gets one line naming the
problem (in the chosen language) and exit status 2 -- never a traceback, never a grade."""

import contextlib
import copy
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deltaprop as dp
from deltaprop.cli import main

PYTHON_WORDS = ("Traceback", "object has no attribute", "unsupported operand", "KeyError", "NoneType",
                "not subscriptable", "is not iterable", "object is not", "unhashable")
SHEET = dp.exercise(2, 4, ask="z,a,cost,delta,grad,update").to_dict()
ANSWERS = {q["id"]: q["value"] for q in SHEET["questions"]}


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def _refused(*argv):
    code, out, err = _run(*argv)
    assert code == 2 and out == "", (code, out, err)
    assert not any(word in err for word in PYTHON_WORDS), err
    return err


def _write(path, data):
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return path


@pytest.mark.parametrize("edit, message", [
    (lambda s: s["questions"][0].pop("id"), "questions[0].id: missing or not a text"),
    (lambda s: s["questions"][3].__setitem__("slips", [1, 2]), "questions[3].slips: expected a JSON object"),
    (lambda s: s["questions"][2].__setitem__("value", "0.5"), "questions[2].value: missing or not a finite number"),
    (lambda s: s["network"]["weights"][0][0].__setitem__(0, 5.0), "does not follow from the sheet's network"),
    (lambda s: s.pop("network"), "sheet.network: expected a JSON object"),
])
def test_a_malformed_sheet_gets_one_line(tmp_path, edit, message):
    sheet = copy.deepcopy(SHEET)
    edit(sheet)
    err = _refused("check", _write(tmp_path / "s.json", sheet), _write(tmp_path / "a.json", ANSWERS))
    assert message in err and err.count("\n") == 1, err


def test_a_garbage_key_with_student_is_refused(tmp_path):
    key = _write(tmp_path / "k.json", {"format": "deltaprop-exercise-key", "students": [1, 2, 3]})
    assert "students[0]: expected a JSON object" in _refused("check", key, _write(tmp_path / "a.json", ANSWERS),
                                                              "--student", 1)


def test_a_json_answers_file_with_a_duplicate_name_is_refused(tmp_path):
    sheet = _write(tmp_path / "s.json", SHEET)
    answers = _write(tmp_path / "a.json", '{"z2_1": %r, "z2_1": 5}' % ANSWERS["z2_1"])
    assert "'z2_1' is answered twice" in _refused("check", sheet, answers)


def test_french_excel_csv_is_read_and_errors_are_in_french(tmp_path):
    sheet = _write(tmp_path / "s.json", SHEET)
    rows = "nom;valeur\n" + "".join(f"{k};{str(round(v, 6)).replace('.', ',')}\n" for k, v in ANSWERS.items())
    code, out, _ = _run("check", sheet, _write(tmp_path / "a.csv", rows), "--lang", "fr")
    assert code == 0 and f"Score\u00a0: {len(ANSWERS)} sur {len(ANSWERS)}" in out
    err = _refused("check", sheet, _write(tmp_path / "b.csv", "z2_1;0,4x\n"), "--lang", "fr")
    assert "ligne 1\u00a0: '0,4x' n’est pas un nombre" in err                  # a malformed first line is not a header


@pytest.mark.parametrize("lang, word", [("zh", "第 1 行"), ("ja", "1 行目"), ("fr", "ligne 1")])
def test_check_messages_follow_the_language(tmp_path, lang, word):
    sheet = _write(tmp_path / "s.json", SHEET)
    err = _refused("check", sheet, _write(tmp_path / "a.csv", "z2_1,0,44\n"), "--lang", lang)
    assert word in err and "line" not in err.replace("deltaprop check: error:", "")


# ------------------------------------------------------------------ fuzzing
def _paths(node, prefix=()):
    """Every (path, value) of the sheet that the grader reads."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("level", "seed", "student", "ask", "tolerance", "format_version", "symbol", "needs", "slips"):
                continue
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))
    if prefix:
        yield prefix, node


PATHS = list(_paths(SHEET))
WRONG = st.one_of(st.text(max_size=5), st.none(), st.booleans(), st.lists(st.integers(), max_size=2),
                  st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pick=st.integers(0, len(PATHS) - 1), how=st.sampled_from(["delete", "retype", "change"]), wrong=WRONG)
def test_fuzzed_sheets_are_refused_in_one_line(tmp_path, pick, how, wrong):
    sheet = copy.deepcopy(SHEET)
    path, value = PATHS[pick]
    parent = sheet
    for key in path[:-1]:
        parent = parent[key]
    if how == "delete":
        del parent[path[-1]]
    elif how == "change" and isinstance(value, float) and abs(value) > 1e-6:
        parent[path[-1]] = value * 3 + 1
    elif how == "change" and isinstance(value, str):
        parent[path[-1]] = value + "x"
    else:
        if type(wrong) is type(value) or (isinstance(value, bool) and isinstance(wrong, bool)):
            wrong = {"not": "this"}
        parent[path[-1]] = wrong
    _refused("check", _write(tmp_path / "fuzz-sheet.json", sheet), _write(tmp_path / "a.json", ANSWERS))


ROW = st.tuples(st.sampled_from(sorted(ANSWERS)), st.floats(-10, 10, allow_nan=False))
BAD = st.sampled_from(["", "x", "1e999", "nan", "1..2", "--1", "0,4,4"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=8, unique_by=lambda r: r[0]), bad=BAD, where=st.integers(0, 7),
       sep=st.sampled_from([",", ";"]), fmt=st.sampled_from(["csv", "json"]))
def test_fuzzed_answers_files_exit_2_when_malformed_and_0_when_not(tmp_path, rows, bad, where, sep, fmt):
    sheet = _write(tmp_path / "s.json", SHEET)
    good = _write(tmp_path / f"good.{fmt}", json.dumps(dict(rows)) if fmt == "json" else
                  "".join(f"{k}{sep}{v!r}\n" for k, v in rows))
    assert _run("check", sheet, good)[0] == 0
    name = rows[where % len(rows)][0]
    if fmt == "json":
        text = "{" + ", ".join(f'"{k}": {v!r}' for k, v in rows) + f', "{name}": "{bad}"' + "}"
    else:
        text = "".join(f"{k}{sep}{v!r}\n" for k, v in rows) + f"{name}{sep}{bad}\n"
    _refused("check", sheet, _write(tmp_path / f"bad.{fmt}", text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_text_as_an_answers_file_never_gives_a_traceback(tmp_path, text):
    code, _, err = _run("check", _write(tmp_path / "s.json", SHEET), _write(tmp_path / "a.txt", text))
    assert code in (0, 2) and not any(word in err for word in PYTHON_WORDS), err


def test_a_sheet_of_format_version_1_is_still_graded_by_the_step(tmp_path):
    old = copy.deepcopy(SHEET)
    old["format_version"] = 1
    for q in old["questions"]:
        q.pop("base", None)                 # version 1 sheets did not carry the parameter before the step
    answers = dict(ANSWERS)
    update = next(q for q in SHEET["questions"] if q["kind"] == "update")
    answers[update["id"]] = update["base"]                          # not updated: still wrong, and named
    code, out, _ = _run("check", _write(tmp_path / "v1.json", old), _write(tmp_path / "a.json", answers))
    assert code == 0 and "did not take the step" in out and f"{len(ANSWERS) - 1} of {len(ANSWERS)}" in out
