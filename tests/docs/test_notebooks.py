"""Every notebook in ``examples/`` runs headless, top to bottom, with nbclient, and shows what it says it shows."""

import os
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"


def execute(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    env_path = os.environ.get("PYTHONPATH", "")
    src = str(Path(__file__).resolve().parents[2] / "src")
    os.environ["PYTHONPATH"] = src + (os.pathsep + env_path if env_path else "")      # the kernel imports ours
    try:
        nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
    return notebook


def test_there_are_example_notebooks():
    assert [p.name for p in EXAMPLES] == ["notebook-playground.ipynb"]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each example notebook, run once."""
    return {path.name: execute(path, tmp_path_factory.mktemp(path.stem)) for path in EXAMPLES}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_the_notebook_runs_headless(path, executed):
    notebook = executed[path.name]
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    if path.name == "notebook-playground.ipynb":
        kinds = [set(o.get("data", {})) for o in outputs]
        # dp.playground, the explained step, the exercise sheet and net.playground
        assert sum(WIDGET in k for k in kinds) == 4
        html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        assert any("deltaprop-network" in h for h in html)               # the network drawn
        assert any('class="deltaprop-explanation"' in h for h in html)   # the explained step
        text = "".join(o.get("text", "") for o in outputs)
        assert "after 30 more epochs" in text and "stopped after" in text
        accuracy = float(text.split("→ ")[1].split()[0])
        assert accuracy > 0.85


def test_an_html_export_without_widget_state_shows_the_static_explanation(executed):
    # JupyterLab saves no widget state by default: nbconvert then falls back to the explanation's own HTML
    nbconvert = pytest.importorskip("nbconvert")
    notebook = nbformat.from_dict(executed["notebook-playground.ipynb"])
    notebook.metadata.pop("widgets", None)
    page, _ = nbconvert.HTMLExporter().from_notebook_node(notebook)
    assert page.count('<div class="deltaprop-explanation" lang="en">') == 1
