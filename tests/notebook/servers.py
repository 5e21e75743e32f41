"""A notebook server (JupyterLab, marimo) for one test module: required in CI, started on a free loopback port,
waited for, and stopped afterwards -- its log shown if it does not come up."""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import subprocess
import time

import pytest


def require(module, what):
    """Import ``module``; missing, fail under ``DELTAPROP_REQUIRE_BROWSER=1`` (CI), else skip."""
    try:
        importlib.import_module(module)
    except ImportError:
        if os.environ.get("DELTAPROP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{what} is required (DELTAPROP_REQUIRE_BROWSER=1): pip install -e '.[test]'")
        pytest.skip(f"{what} not installed")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(command, env, port, log_path, what, timeout=90):
    """Run ``command`` until the ``with`` block ends; enter once ``port`` accepts connections."""
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"{what} did not start:\n{log_path.read_text()[-2000:]}")
                    time.sleep(0.5)
            yield
        finally:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
