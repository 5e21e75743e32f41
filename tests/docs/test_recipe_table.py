"""docs/training.md's recipe table says what recipes.py does: sizes, dropout, optimiser, η, λ, batch, epochs."""

import re
from pathlib import Path

import pytest

from deltaprop.commands.recipes import RECIPES

TABLE = Path(__file__).resolve().parents[2] / "docs" / "training.md"


def _rows():
    rows = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([\w-]+)` \| (.*) \| (.*) \|$", line)
        if match and match.group(1) in RECIPES:
            rows[match.group(1)] = match.group(2) + " | " + match.group(3)
    return rows


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_recipe_row_is_true(name):
    row, recipe = _rows()[name], RECIPES[name]
    assert f"[{', '.join(map(str, recipe['layers']))}]" in row
    assert f"batch {recipe['batch_size']}," in row and f"{recipe['epochs']} epochs" in row
    rate = re.search(r"η = ([\d.e-]+)", row)
    assert rate and float(rate.group(1)) == recipe["lr"] and recipe["optimizer"].replace("sgd", "SGD").replace("adam", "Adam") in row
    for rate in recipe.get("dropout") or []:
        assert f"dropout {rate:g}" in row
    assert ("dropout" in row) == bool(recipe.get("dropout"))
    if recipe.get("weight_decay"):
        assert f"λ = {recipe['weight_decay']:.1f}" in row
    assert ("cosine" in row) == (recipe.get("schedule") == "cosine")
    assert (recipe.get("dtype") == "float32") == ("float32" in row)
