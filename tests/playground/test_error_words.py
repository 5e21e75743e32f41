"""Every server error in the learner's language: each refusal carries a code and its numbers, and the page words it
from its table (``static/words-<lang>.json``, key ``error_<code>``), never showing the server's English.

The errors are real: each is provoked from the running server (bad configurations, refused CSVs, limits, malformed
requests, a full playground), then worded by the page's own ``errorText`` in zh, ja and fr and read against the
"no English left" rules of test_languages.py (zh/ja: no Latin word outside the allow-list; fr: no word only the
English page uses).  Three of them also go the whole way through the page by real clicks.
"""

import ast
import json
import pathlib
import re

import pytest

import deltaprop
from deltaprop.playground.api import Api

from .test_languages import ALLOWED, english_only_words, latin_words, words_table

PLAYGROUND = pathlib.Path(deltaprop.__file__).parent / "playground"
CSV_READER = pathlib.Path(deltaprop.__file__).parent / "data" / "csv.py"


# ------------------------------------------------------------------ every error has a code, worded everywhere
def _calls(path, name):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == name]


def _code(call, position):
    """The ``code`` of a RequestError/error_response call: keyword or positional, a literal or an f-string."""
    node = next((k.value for k in call.keywords if k.arg == "code"), None)
    if node is None and len(call.args) > position:
        node = call.args[position]
    return node


def codes_raised():
    """Every code the playground's server can send (literal codes; f"csv_{kind}" for the CSV reader's kinds)."""
    codes = set()
    for path in PLAYGROUND.rglob("*.py"):
        for name, position in (("RequestError", 2), ("error_response", 2)):
            for call in _calls(path, name):
                node = _code(call, position)
                assert node is not None, f"{path.name}:{call.lineno}: {name} without a code"
                if isinstance(node, ast.Constant):
                    codes.add(node.value)
                elif isinstance(node, ast.JoinedStr):
                    assert ast.unparse(node) == "f'csv_{exc.kind}'", f"{path.name}:{call.lineno}"
                    codes |= {"csv_" + c.args[1].value for c in _calls(CSV_READER, "CSVError")}
                else:
                    assert ast.unparse(node) in ("exc.code", "code"), f"{path.name}:{call.lineno}: {ast.unparse(node)}"
    return codes


def test_every_server_error_has_a_code_the_page_words_in_every_language():
    codes = codes_raised()
    assert {"diverged", "out_of_range", "csv_not_number", "sessions_full", "regression_loss"} <= codes
    for lang in ("en", "zh", "ja", "fr"):
        words = words_table(lang)["words"]
        missing = sorted(code for code in codes if f"error_{code}" not in words)
        assert not missing, f"{lang}: no words for {missing}"


# ------------------------------------------------------------------ real errors from the server
CSV_REFUSALS = {
    "csv_columns": b"1,2\n3,4\n5,6\n7,8\n",
    "csv_not_number": b"x1,x2,label\n1,2,0\n3,??,1\n5,6,0\n7,8,1\n",
    "csv_missing": b"1,2,0\n3,,1\n5,6,0\n7,8,1\n",
    "csv_not_finite": b"1,2,0\n3,inf,1\n5,6,0\n7,8,1\n",
    "csv_row_width": b"1,2,0\n3,4,1,9\n5,6,0\n7,8,1\n",
    "csv_empty": b"\n\n",
    "csv_no_rows": b"x1,x2,label\n",
    "csv_utf8": b"1,2,\xff\n",
    "csv_few_rows": b"1,2,0\n3,4,1\n",
    "too_many_classes": ("\n".join(f"{i % 7}.5,{i % 5}.25,{i % 9}" for i in range(60)) + "\n").encode(),
    "one_class": b"1,2,0\n3,4,0\n5,6,0\n7,8,0\n",
}
BAD_CONFIGURATIONS = {                  # what a shared link or a hand-made request may hold
    "out_of_range": {"learning_rate": 99},
    "not_integer": {"seed": 1.5},
    "not_number": {"noise": "much"},
    "not_a_choice": {"dataset": "月"},
    "not_boolean": {"discretize": "yes"},
    "features": {"features": []},
    "hidden_list": {"hidden": [2] * 7, "activations": ["tanh"] * 7},
    "activations_list": {"hidden": [2, 2], "activations": ["tanh"]},
    "regression_loss": {"dataset": "plane", "loss": "cross-entropy"},
    "unknown_field": {"ζ": 1},
}


def server_errors(client, server):
    """``[(code, payload, echoed)]``: a real error reply of each kind (``echoed``: the learner's own input in it)."""
    out = []

    def keep(status, payload, echoed=()):
        assert status >= 400 and payload["code"], payload
        out.append((payload["code"], payload, set(echoed)))

    for code, config in BAD_CONFIGURATIONS.items():
        status, payload = client.post("/api/sessions", config)
        assert payload["code"] == code, (config, payload)
        keep(status, payload, {"ζ"} if code == "unknown_field" else ())
    sid = client.session(samples=40)["session"]
    for code, body in CSV_REFUSALS.items():
        status, _, data = client.raw("POST", f"/api/sessions/{sid}/upload", body, {"Content-Type": "text/csv"})
        payload = json.loads(data)
        assert payload["code"] == code, (code, payload)
        keep(status, payload, {"inf"} if code == "csv_not_finite" else ())
    for path, body, code in [
        (f"/api/sessions/{sid}/weight", {"layer": 1, "to": 0, "from": 0, "value": 5000}, "out_of_range"),
        (f"/api/sessions/{sid}/weight", {"layer": 1, "to": 0}, "missing_field"),
        (f"/api/sessions/{sid}/neuron", {"layer": 9, "neuron": 0}, "out_of_range"),
        (f"/api/sessions/{sid}/neuron", {}, "neuron_fields"),
        (f"/api/sessions/{sid}/nudge", {"layer": 1, "neuron": 0, "dz": 0}, "nudge_zero"),
        (f"/api/sessions/{sid}/nudge", {"layer": 1}, "nudge_fields"),
        (f"/api/sessions/{sid}/step", [], "not_object"),
        (f"/api/sessions/{sid}/fly", {}, "no_endpoint"),
        ("/api/sessions/nonexistent-session", None, "no_session"),
        ("/api/sessions/bad!", None, "bad_session"),
    ]:
        status, payload = client.post(path, body) if body is not None else client.get(path)
        assert payload["code"] == code, (path, payload)
        keep(status, payload)
    for status, payload in [client.call("POST", "/api/sessions", "{not json"),
                            client.call("POST", "/api/sessions", '{"noise": NaN}'),
                            client.get(f"/api/sessions/{sid}/explained-step?sample=x"),
                            client.get("/api/lessons?lang=xx"),
                            client.call("PUT", "/api/options")]:
        keep(status, payload, {"xx"})
    for headers in ({"Host": "evil.example"}, {"Origin": "http://evil.example"}, {"Content-Length": "²"}):
        status, _, data = client.raw("POST", "/api/sessions", b"{}", {"Content-Type": "application/json", **headers})
        keep(status, json.loads(data))
    status, _, data = client.raw("GET", "/api/options?" + "a=1&" * 1200)
    keep(status, json.loads(data))
    status, _, data = client.raw("GET", "/api/options?" + "&".join(f"k{i}=1" for i in range(20)))
    keep(status, json.loads(data))
    store = Api(max_sessions=1)                    # a full playground, and one computer holding its quota
    assert store.handle("POST", "/api/sessions", {}, b'{"samples": 20}', client="10.0.0.1").status == 201
    for other in ("10.0.0.2", "10.0.0.1"):
        response = store.handle("POST", "/api/sessions", {}, b'{"samples": 20}', client=other)
        keep(response.status, json.loads(response.body))
    store.close_all()
    return out


WORD = "(async (payload) => (await import('/static/messages.js')).errorText({payload}))"


def english_left(lang, text, echoed):
    if lang == "fr":
        english = english_only_words()
        return sorted({w for w in latin_words(text) if w.lower() in english and w not in echoed})
    return sorted({w for w in latin_words(text) if w not in ALLOWED | {"JSON", "UTF"} | echoed})


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "ja", "fr"])
def test_every_kind_of_server_error_is_worded_in_the_learners_language(open_page, client, server, lang):
    errors = server_errors(client, server)
    kinds = {code for code, _, _ in errors}
    assert {"csv_not_number", "too_many_classes", "out_of_range", "regression_loss", "sessions_full",
            "client_quota", "host", "cross_origin", "url_length", "query", "no_session", "bad_json"} <= kinds
    page = open_page(f"#lang={lang}", lang=lang)
    english = words_table("en")["words"]
    for code, payload, echoed in errors:
        text = page.evaluate(WORD, payload)
        assert text and not text.startswith("error_") and payload["error"] not in text, (code, text)
        left = english_left(lang, text, echoed)
        assert not left, f"{lang} {code}: English left in {text!r}: {left}"
        if lang != "fr":
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), (code, text)
        assert text != english[f"error_{code}"], code
        for name, value in payload["params"].items():       # the numbers are the server's
            if isinstance(value, int) and name != "field":
                assert str(value) in text.replace("\u202f", ""), (code, name, value, text)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "ja", "fr"])
def test_refusals_reach_the_page_in_the_learners_language(open_page, tmp_path, lang):
    """By real use: a shared link with a bad value, a CSV with a bad cell, a weight typed beyond its limit."""
    page = open_page(f"#lang={lang}&learning_rate=99", lang=lang)      # the link's configuration is refused
    page.wait_for_function("!document.getElementById('error').hidden")
    shown = [page.inner_text("#error")]
    assert "99" in shown[0] and ("10" in shown[0])
    path = tmp_path / "cells.csv"
    path.write_text("x1,x2,label\n1,2,0\n3,??,1\n5,6,0\n7,8,1\n")
    page.set_input_files("#csv", str(path))
    page.wait_for_function("document.getElementById('error').textContent.includes('??')")
    shown.append(page.inner_text("#error"))
    assert "3" in shown[1] and "2" in shown[1]                         # row 3, column 2 (x2)
    page.click(".node[data-layer='1'][data-neuron='0']")
    page.wait_for_selector("#inspector .open-link")
    page.click("#inspector .open-link >> nth=0")
    page.wait_for_selector("#inspector .weight-input")
    page.fill("#inspector .weight-input", "5000")
    page.click("#inspector .set-weight")
    page.wait_for_function("document.getElementById('error').textContent.includes('5000')")
    shown.append(page.inner_text("#error"))
    assert "1000" in shown[2].replace("\u202f", "").replace(" ", "")
    for text in shown:
        left = english_left(lang, text, {"CSV"})
        assert not left, f"English left on the {lang} page: {text!r}: {left}"
