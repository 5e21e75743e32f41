# Quick start: `make demo` and `make test`. Both create .venv if it is missing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: demo test bench bench-tta bench-quiet docs-check-long system-packages clean

$(PY):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "deltaprop needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)

# The runtime install: NumPy only.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PIP) -e .
	touch $@

# Test tools; torch is pinned to 2.13.0 in pyproject.toml (the CPU build on disk).
$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) -e '.[test]'
	touch $@

# warmup compiles the fast path's kernels when numba ([fast]) is installed, and says there is nothing to do if not
demo: $(VENV)/.installed-run
	$(VENV)/bin/deltaprop warmup
	$(VENV)/bin/deltaprop demo

# Debian packages the tests need: chromium (Playwright never downloads one) and the CJK fonts.
system-packages:
	@scripts/ensure-test-system.sh

test: $(VENV)/.installed-test system-packages
	DELTAPROP_REQUIRE_TORCH=1 DELTAPROP_REQUIRE_BROWSER=1 $(PY) -m pytest -q

# The doc blocks marked <!-- docs: long ... --> too (full training runs, downloads, benchmarks): minutes.
docs-check-long: $(VENV)/.installed-test
	DELTAPROP_DOCS_LONG=1 $(PY) -m pytest -q tests/docs

# Benchmarks: the test tools plus JAX ([bench]); they run with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset (they say so)
$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PIP) -e '.[test,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

# Time to accuracy 0.88 / 0.90 on Fashion-MNIST: deltaprop, PyTorch, JAX, scikit-learn (minutes)
bench-tta: $(VENV)/.installed-bench
	$(PY) benchmarks/tta.py $(TTA_ARGS)

# Every target of issue 27 on a quiet machine, in at most 27 minutes: quiet-run-<time>/summary.md (PASS / FAIL)
bench-quiet: $(VENV)/.installed-bench
	PYTHON=$(PY) bash benchmarks/quiet_run.sh $(QUIET_ARGS)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache test-output
