"""``deltaprop explain`` as a user runs it: outputs, files, and one-line errors for bad specs."""

import json
from pathlib import Path

import pytest

import deltaprop

from deltaprop.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(capsys, *argv):
    code = main(["explain", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_spec(tmp_path, data, name="spec.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


GOOD = {"layers": [{"weights": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "biases": [0.0, 0.1, 0.2],
                    "activation": "tanh"},
                   {"weights": [[0.7, 0.8, 0.9]], "biases": [0.3], "activation": "sigmoid"}],
        "input": [1.0, -1.0], "target": [0.5]}


def test_default_is_mazurs_worked_example(capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert "net_h1 = 0.15 × 0.05 + 0.2 × 0.1 + 0.35 × 1 = 0.3775" in out
    assert "out_h1 = σ(net_h1) = σ(0.3775) = 0.593269992" in out
    assert "= 0.74136507 × 0.186815602 × 0.593269992 = 0.082167041" in out
    assert "w5+ = w5 − η × ∂E_total/∂w5 = 0.4 − 0.5 × 0.082167041 = 0.35891648" in out


@pytest.mark.parametrize("lang,word", [("zh", "误差"), ("ja", "誤差"), ("fr", "erreur"), ("en", "error")])
def test_languages_use_the_seeds_terms(capsys, lang, word):
    code, out, _ = run(capsys, "--lang", lang)
    assert code == 0 and word in out


def test_json_output_file_steps_and_precision(capsys, tmp_path):
    target = tmp_path / "out.json"
    code, out, _ = run(capsys, "--format", "json", "--steps", "3", "-o", str(target))
    assert code == 0 and out == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["steps"] == 3 and data["loss_after_steps"] < data["loss_after_update"] < data["loss"]
    code, out, _ = run(capsys, "--precision", "4", "--form", "matrix")
    assert code == 0 and "0.5933" in out and "0.593269992" not in out and "(2×2)" in out


def test_spec_file_in_both_forms(capsys, tmp_path):
    code, out, _ = run(capsys, "--spec", write_spec(tmp_path, GOOD), "--form", "both", "--format", "markdown")
    assert code == 0
    assert "z²₁ = w²₁₁ × x₁ + w²₁₂ × x₂ + b²₁ × 1" in out     # Nielsen's numbering by default
    assert "δ² = (W³ᵀ δ³) ⊙ tanh'(z²)" in out and "shapes: δ² (3×1),  W³ᵀ (3×1),  δ³ (1×1)" in out
    assert out.startswith("# ")


def test_example_specs_run(capsys):
    import glob
    import os
    root = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
    files = sorted(glob.glob(os.path.join(root, "explain-*.json")))
    assert files
    for path in files:
        code, out, err = run(capsys, "--spec", path, "--form", "both")
        assert code == 0 and "(BP4)" in out, (path, err)


BAD = [
    ("{not json", "not valid JSON"),
    ([1, 2], "must be a JSON object"),
    ({"input": [1], "target": [1]}, "missing key 'layers'"),
    ({**GOOD, "colour": "red"}, "unknown key 'colour'"),
    ({**GOOD, "layers": [{"weights": [[1, 2]], "biases": [0]}]}, "layer 1: missing key 'activation'"),
    ({**GOOD, "layers": [{"weights": [[1, 2], [3]], "biases": [0, 0], "activation": "relu"}, GOOD["layers"][1]]},
     "layers[0].weights is ragged: row 1 has length 1, row 0 has length 2; expected shape 2×2"),
    ({**GOOD, "layers": [GOOD["layers"][0], {"weights": [[0.7, 0.8]], "biases": [0.3], "activation": "sigmoid"}]},
     "layer 2: weights have shape 1×2, but layer 1 gives 3 outputs: expected 1×3"),
    ({**GOOD, "layers": [{**GOOD["layers"][0], "biases": [0.0]}, GOOD["layers"][1]]},
     "layer 1: biases has length 1, but the number of neurons (rows of weights) is 3"),
    ({**GOOD, "layers": [{**GOOD["layers"][0], "activation": "swish"}, GOOD["layers"][1]]},
     "layer 1: unknown activation 'swish'; valid: sigmoid"),
    ({**GOOD, "loss": "hinge"}, "unknown loss 'hinge'; valid: quadratic"),
    ({**GOOD, "layers": [{**GOOD["layers"][0], "weights": [[0.1, "a"], [0.3, 0.4], [0.5, 0.6]]}, GOOD["layers"][1]]},
     'layers[0].weights[0][1] must be a finite number, got "a"'),
    ({**GOOD, "input": [1.0, 2.0, 3.0]}, "layer 1: weights have shape 3×2, but the input has length 3: expected 3×3"),
    ({**GOOD, "target": [0.5, 0.5]}, "target has length 2, but the network's output size (rows of the last layer's weights) is 1"),
    ({**GOOD, "learning_rate": -1}, "'learning_rate' must be a positive number"),
    ({**GOOD, "update_biases": "yes"}, "'update_biases' must be true or false"),
    ({**GOOD, "inputs": [[1, 2]], "targets": [[1]]}, "either 'input'/'target'"),
]


@pytest.mark.parametrize("data,message", BAD)
def test_bad_specs_give_one_clear_line(capsys, tmp_path, data, message):
    code, out, err = run(capsys, "--spec", write_spec(tmp_path, data))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("deltaprop explain: error: ") and message in err, err


SAID = {"zh": "第 1 层：biases 的长度是 1，但神经元个数（weights 的行数）是 3",
        "ja": "第 1 層：biases の長さは 1 ですが、ニューロンの数（weights の行数）は 3 です",
        "fr": "couche 1\u00a0: biases est de longueur 1, mais le nombre de neurones (lignes de weights) est 3"}


@pytest.mark.parametrize("lang", list(SAID))
def test_spec_mistakes_are_said_in_the_chosen_language(capsys, tmp_path, lang):
    data = {**GOOD, "layers": [{**GOOD["layers"][0], "biases": [0.0]}, GOOD["layers"][1]]}
    code, out, err = run(capsys, "--spec", write_spec(tmp_path, data), "--lang", lang)
    assert code == 2 and out == "" and err.count("\n") == 1 and SAID[lang] in err, err
    bad = {**GOOD, "layers": [{**GOOD["layers"][0], "weights": "x"}, GOOD["layers"][1]]}
    code, _, err = run(capsys, "--spec", write_spec(tmp_path, bad), "--lang", lang)
    kind = {"zh": "一个字符串", "ja": "文字列", "fr": "une chaîne"}[lang]       # the JSON kind is translated too
    assert code == 2 and kind in err and "a string" not in err, err


def test_every_error_key_exists_in_every_language():
    """Each ExplainError("error_…") raised anywhere in the explainer has its sentence in en, zh, ja and fr."""
    import ast
    import pathlib

    from deltaprop.explain.i18n import LANGUAGES, messages
    root = pathlib.Path(deltaprop.__file__).parent / "explain"
    used = set()
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ExplainError":
                used.update(arg.value for arg in ast.walk(node) if isinstance(arg, ast.Constant)
                            and isinstance(arg.value, str) and arg.value.startswith("error_"))
    assert len(used) >= 30
    for lang in LANGUAGES:
        assert used <= set(messages(lang)), (lang, used - set(messages(lang)))


def test_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "--spec", str(tmp_path / "nope.json"))
    assert code == 2 and err.count("\n") == 1 and "nope.json" in err


def test_large_network_refused_for_neuron_form_but_explained_as_matrices(capsys, tmp_path):
    big = {"layers": [{"weights": [[0.01 * (i + j) for j in range(9)] for i in range(8)], "biases": [0.0] * 8,
                       "activation": "relu"},
                      {"weights": [[0.1] * 8], "biases": [0.0], "activation": "linear"}],
           "input": [0.5] * 9, "target": [1.0]}
    path = write_spec(tmp_path, big)
    code, _, err = run(capsys, "--spec", path)
    assert code == 2 and err.count("\n") == 1
    assert "layer 1 has 72 weights" in err and "--form matrix" in err
    code, out, _ = run(capsys, "--spec", path, "--form", "matrix", "--format", "html")
    assert code == 0 and "<math" in out and "<svg" in out
    huge = {**big, "layers": [{"weights": [[0.0] * 100] * 50, "biases": [0.0] * 50, "activation": "relu"},
                              {"weights": [[0.1] * 50], "biases": [0.0], "activation": "linear"}],
            "input": [0.5] * 100}
    code, _, err = run(capsys, "--spec", write_spec(tmp_path, huge, "huge.json"), "--form", "matrix")
    assert code == 2 and "at most 4096" in err


@pytest.mark.parametrize("argv", [["--precision", "0"], ["--steps", "-1"], ["--lang", "de"], ["--format", "pdf"]])
def test_bad_flags(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(["explain", *argv])
    _, err = capsys.readouterr()
    assert exit_info.value.code == 2 and err.count("\n") == 1


SOFTMAX_CE = {"layers": [{"weights": [[0.1, 0.2], [0.3, 0.4]], "biases": [0.1, 0.1], "activation": "tanh"},
                         {"weights": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "biases": [0, 0, 0],
                          "activation": "softmax"}],
              "input": [1.0, 0.5], "loss": "cross-entropy"}
MAZUR_SHAPE = [{"weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35], "activation": "sigmoid"},
               {"weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6], "activation": "sigmoid"}]


@pytest.mark.parametrize("spec, message", [
    ({**SOFTMAX_CE, "target": [1, 1, 0]},
     "target: the cross-entropy cost needs each target row to be probabilities summing to 1; row 0 sums to 2"),
    ({**SOFTMAX_CE, "target": [0.5, 0.2, 0.1]}, "row 0 sums to 0.8"),
    ({**SOFTMAX_CE, "inputs": [[1, 0], [0, 1]], "targets": [[0, 1, 0], [1.5, -0.5, 0]], "input": None},
     "targets: the cross-entropy cost needs targets between 0 and 1; row 1 holds 1.5"),
    ({"layers": [{"weights": [[0.1, 0.2]], "biases": [0.1], "activation": "sigmoid"}], "input": [1.0, 0.5],
      "target": [5], "loss": "binary-cross-entropy"},
     "target: the binary cross-entropy cost needs targets between 0 and 1; row 0 holds 5"),
    ({"layers": [{"weights": [[1e308, 1e308], [1e308, 1e308]], "biases": [0.35, 0.35], "activation": "sigmoid"},
                 MAZUR_SHAPE[1]], "input": [1.0, 1.0], "target": [0.01, 0.99]},     # z = 2e308 + 0.35
     "z overflows to infinity or NaN"),
    ({"layers": [{**MAZUR_SHAPE[0], "activation": "relu"}, {**MAZUR_SHAPE[1], "activation": "relu"}],
      "input": [0.05, 0.1], "target": [0.01, 0.99], "loss": "cross-entropy"},
     "the cross-entropy cost takes ln a, so the output layer must give values in (0, 1) (sigmoid or softmax), got relu"),
])
@pytest.mark.parametrize("form", ["neuron", "matrix"])
def test_specs_the_maths_does_not_cover_are_refused(tmp_path, capsys, spec, message, form):
    """Never a plausible-looking wrong δ, negative cost or inf: one line, exit 2, no traceback, no output."""
    spec = {k: v for k, v in spec.items() if v is not None}
    code, out, err = run(capsys, "--spec", write_spec(tmp_path, spec), "--form", form)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and "Warning" not in err, err
    assert message in err, err


def test_huge_but_finite_weights_still_explain(tmp_path, capsys):
    spec = {"layers": [{**MAZUR_SHAPE[0], "weights": [[1e3, -1e3], [2e3, 1e2]]}, MAZUR_SHAPE[1]],
            "input": [0.05, 0.1], "target": [0.01, 0.99]}
    code, out, err = run(capsys, "--spec", write_spec(tmp_path, spec))
    assert code == 0 and err == "" and "inf" not in out and "nan" not in out.lower()


@pytest.mark.parametrize("numbering, first_hidden, heading", [("nielsen", "z²₁", "Hidden layer 2"),
                                                              ("deltaprop", "z¹₁", "Hidden layer 1")])
def test_layer_numbering_nielsen_or_engine(capsys, numbering, first_hidden, heading):
    """With Nielsen's book open: his z² is the first hidden layer (the input is his layer 1)."""
    code, out, _ = run(capsys, "--spec", str(EXAMPLES / "explain-softmax.json"), "--numbering", numbering)
    assert code == 0 and f"    {first_hidden} = " in out and heading in out
    assert ("input is layer 1" in out) == (numbering == "nielsen")


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_legend_and_notation_bridge_in_text_and_markdown(capsys, lang, fmt):
    code, out, _ = run(capsys, "--lang", lang, "--format", fmt)
    out = out.replace("\\_", "_")                         # Markdown escapes the underscores of prose
    assert code == 0 and "BP1 δ^L = ∇_a C ⊙ σ'(z^L)" in out and "BP4 ∂C/∂w^l_jk = a^(l−1)_k δ^l_j" in out
    assert "net = z" in out and "E_total = C" in out
