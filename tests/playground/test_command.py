"""``deltaprop playground`` as a user runs it: prints its URL, serves the page, stops on Ctrl+C."""

import signal
import subprocess
import sys
import urllib.request

from deltaprop.cli import main
from deltaprop.playground import is_loopback


def test_command_prints_the_url_and_serves_the_page():
    # Ctrl+C must reach the child: restore SIGINT's default there (an earlier test in the same process, e.g.
    # Playwright's driver, may have left it ignored, and a child started with SIGINT ignored keeps ignoring it)
    process = subprocess.Popen([sys.executable, "-m", "deltaprop", "playground"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        line = process.stdout.readline()
        assert line.startswith("deltaprop playground: http://127.0.0.1:"), line
        url = line.split()[2]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and b"deltaprop" in response.read()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)     # generous: CI machines can be busy
    assert process.returncode == 0 and "Traceback" not in err and "stopped" in err


def test_bad_port_is_a_one_line_error(capsys):
    try:
        main(["playground", "--port", "70000"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "port number" in err and "Traceback" not in err


def test_loopback_detection():
    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "127.8.9.10"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.2", "example.org", "::"]))
