"""Peak memory of one ``deltaprop`` command, run in a fresh process (optionally under ``ulimit -v``).

Peak memory is the process's own high-water mark ``VmHWM`` from ``/proc/self/status``.
(``resource.getrusage``'s ``ru_maxrss`` is not usable here: Linux carries it over from the forking parent through
``execve``, so under pytest it reports the test runner's own 600 MB.)
"""

import subprocess
import sys

# Runs ``deltaprop ARGV`` and prints "PEAK <MB> CODE <exit code>" as its last line of standard output.
MEASURE = """
import sys
from deltaprop.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
with open("/proc/self/status") as status:
    peak_mb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(f"PEAK {peak_mb:.0f} CODE {code}")
"""


def command(*argv):
    """The command line that runs ``deltaprop ARGV`` and reports its peak memory (see :func:`peak_and_code`)."""
    return [sys.executable, "-c", MEASURE, *map(str, argv)]


def address_space_limit(kb):
    """A ``preexec_fn`` that sets ``ulimit -v KB`` (address space) in the child before it starts."""
    def limit():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (kb * 1024, kb * 1024))
    return limit


def peak_and_code(stdout, stderr=""):
    """``(peak RSS MB, exit code)`` from the last "PEAK" line :data:`MEASURE` printed."""
    line = next((l for l in reversed(stdout.splitlines()) if l.startswith("PEAK")), None)
    assert line is not None, stderr[-2000:]
    _, peak, _, code = line.split()
    return float(peak), int(code)


def run_measured(*argv, cwd=None, address_space_kb=None, timeout=300):
    """``(peak RSS MB, exit code, stdout, stderr)`` of ``deltaprop ARGV`` in a fresh process."""
    out = subprocess.run(command(*argv), capture_output=True, text=True, cwd=cwd, timeout=timeout,
                         preexec_fn=address_space_limit(address_space_kb) if address_space_kb else None)
    return (*peak_and_code(out.stdout, out.stderr), out.stdout, out.stderr)
