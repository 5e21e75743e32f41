"""The core commands as a user runs them: `deltaprop demo` and `deltaprop gradcheck`."""

import subprocess
import sys

import pytest

from deltaprop.cli import main


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "deltaprop", *args], capture_output=True, text=True, timeout=120)


def test_demo_prints_mazur_numbers_and_learns_spirals():
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for number in ["0.593269992", "0.298371109", "0.082167041", "0.358916480", "0.149780716",
                   "0.291027774", "3.5102e-05"]:
        assert number in out, number
    accuracy = float(out.split("final test accuracy ")[1].split("%")[0])
    assert accuracy >= 95.0


def test_gradcheck_command_prints_a_table_and_passes(capsys):
    code = main(["gradcheck", "--layers", "4,5,3", "--activations", "tanh,softmax", "--loss", "cross-entropy",
                 "--seed", "0"])
    out = capsys.readouterr().out
    assert code == 0
    assert "layer" in out and "4x5" not in out and "5x4" in out and "3x5" in out and ": OK" in out


def test_gradcheck_fails_above_threshold(capsys):
    code = main(["gradcheck", "--layers", "3,2", "--activations", "sigmoid", "--threshold", "1e-300"])
    assert code == 1
    assert "FAILED" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["gradcheck", "--activations", "tanh,swish"], "unknown activation 'swish'; valid:"),
    (["gradcheck", "--layers", "4,x"], "expected comma-separated positive integers"),
    (["gradcheck", "--layers", "4,5,3", "--activations", "tanh"], "need 2 activations"),
    (["gradcheck", "--loss", "hinge"], "unknown loss 'hinge'"),
])
def test_bad_flags_are_one_line_errors_without_traceback(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
