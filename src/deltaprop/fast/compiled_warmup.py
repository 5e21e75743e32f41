"""The compiled kernels a run needs, made ready without holding the run up: no first-use penalty.

numba compiles a kernel the first time it meets a new signature (the data's precision, the number of layers, one
or two threads): 5–10 s, more than a short run takes on the NumPy path.  Later processes load the machine code
from numba's disk cache in a fraction of a second.  So, for ``fit(engine="auto")``:

1. a helper thread imports numba and asks the disk cache for exactly the kernel this run needs (nothing else is
   compiled or loaded) -- unless no cache index of that kernel exists at all: then it goes straight to 3;
2. found: it is loaded, and the run switches to the compiled epoch from the next epoch on;
3. not found: a helper **process** compiles it (``python -c …`` calling :func:`compile_kernel`) and writes the
   cache, so the run's own process never spends its time or its interpreter lock compiling (a process that ends
   before its check is done starts the helper on its way out).  When that process
   is done the helper thread loads the result, and the run switches as in 2.  A run that ends first has trained
   on the NumPy path all along; the helper process finishes anyway, so the next run starts compiled.

Meanwhile ``fit`` trains on the NumPy path.  Both engines draw the same permutations from the same seeded
generator and take the same steps, tested equal to float rounding, so the same seed gives the same model
whichever engine ran each epoch.  ``history.compile_seconds`` says how long the kernels took to get ready (load or
compile) and ``history.engine_note`` which epochs ran where.  ``engine="compiled"`` asks for the compiled epoch
outright: it compiles (or loads) in the foreground, and the time is recorded the same way.

``deltaprop warmup`` compiles ahead of time the kernels of the common shapes (:func:`warm_up`).
"""

from __future__ import annotations

import atexit
import glob
import os
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

from . import compiled_epoch as compiled

_PREPARED = {}          # signature key → Preparation, one per process
_LOCK = threading.Lock()


def signature_key(network, X, Y, batch_size, threads=None):
    """What decides the kernel's machine code: ``(dtype name, layers, threads, X's form, Y's form)``; an array's
    form is ``"C"`` (C-contiguous) or ``"A"`` (strided), with ``"-ro"`` added when it is read-only.  ``threads``:
    None for :func:`~deltaprop.fast.compiled_epoch.threads_for`'s choice."""
    def form(array):
        return ("C" if array.flags.c_contiguous else "A") + ("" if array.flags.writeable else "-ro")
    if threads is None:
        threads = compiled.threads_for(network, X, batch_size)
    return np.dtype(network.dtype).name, len(network.layers), threads, form(X), form(Y)


class Preparation:
    """One kernel signature being made ready in this process (see the module notes).

    ``ready()`` never blocks; ``seconds`` is the time from the start to ready (None before); ``how`` says what
    happened ("loaded from the disk cache", "compiled in a helper process", "compiled"); ``error`` is set if the
    kernel could not be made ready (the run then stays on the NumPy path, with the reason in its note).
    """

    def __init__(self, key):
        self.key, self.seconds, self.how, self.error = key, None, None, None
        self._done = threading.Event()
        self._started = time.perf_counter()
        self._helper, self._helper_lock = None, threading.Lock()

    def ready(self):
        return self._done.is_set() and self.error is None

    def failed(self):
        return self._done.is_set() and self.error is not None

    def start_in_background(self):
        threading.Thread(target=self._background, name="deltaprop-kernel-warmup", daemon=True).start()

    def make_ready_now(self):
        """Load or compile in this thread (``engine="compiled"``)."""
        try:
            self.how = "loaded from the disk cache" if _load_cached(self.key) else None
            if self.how is None:
                compile_kernel(*self.key)
                self.how = "compiled"
        except Exception as error:          # noqa: BLE001 -- reported by the caller
            self.error = f"{type(error).__name__}: {error}"
            raise
        finally:
            self._finish()

    def _background(self):
        try:
            # no cache index at all: surely not cached, and no numba import in this process while the run goes on
            if not _index_on_disk(self.key) or not _load_cached(self.key):
                _wait_for_helper(self.start_helper())
                if not _load_cached(self.key):
                    raise RuntimeError("the helper process compiled the kernel but numba's disk cache does not "
                                       "have it (is the cache directory writable? NUMBA_CACHE_DIR)")
                self.how = "compiled in a helper process"
            else:
                self.how = "loaded from the disk cache"
        except Exception as error:          # noqa: BLE001 -- the run goes on with NumPy and says why
            self.error = f"{type(error).__name__}: {error}"
        finally:
            self._finish()

    def start_helper(self):
        """The helper process compiling this kernel (started once)."""
        with self._helper_lock:
            if self._helper is None:
                self._helper = _start_helper_process(self.key)
            return self._helper

    def _finish(self):
        self.seconds = time.perf_counter() - self._started
        self._done.set()


def prepare(network, X, Y, batch_size, wait, threads=None):
    """The :class:`Preparation` of the kernel this run needs (on ``threads`` threads; None: the shapes' choice),
    started if new (in the background unless ``wait``; then ready or raising on return)."""
    key = signature_key(network, X, Y, batch_size, threads)
    with _LOCK:
        preparation = _PREPARED.get(key)
        fresh = preparation is None or (wait and preparation.failed())
        if fresh:
            preparation = _PREPARED[key] = Preparation(key)
    if wait:
        if fresh:
            preparation.make_ready_now()
        else:
            preparation._done.wait()
            if preparation.error:
                raise RuntimeError(preparation.error)
    elif fresh:
        preparation.start_in_background()
    return preparation


def describe(preparation, compiled_epochs, first_epoch, note, numpy_rows=0):
    """``(history.engine, history.engine_note, history.compile_seconds)`` after a run that could use the compiled
    epoch: of the epochs from ``first_epoch`` on, ``compiled_epochs`` ran compiled (the first of them after
    ``numpy_rows`` rows on the NumPy path); ``note`` says how they ran."""
    seconds = preparation.seconds
    if preparation.error:
        return "numpy", f"the compiled epoch could not be made ready ({preparation.error})", seconds
    if not compiled_epochs:
        return ("numpy", "the compiled epoch was being compiled in a helper process (first use on this machine "
                "for this shape); the NumPy path ran meanwhile" if preparation.how is None else
                f"the compiled epoch was {preparation.how} after the last epoch", seconds)
    timing, before, last = f"kernel {preparation.how} in {seconds:.2f} s", [], compiled_epochs[0] - 1
    if last >= first_epoch:
        before.append(f"epoch {last}" if last == first_epoch else f"epochs {first_epoch} to {last}")
    if numpy_rows:
        before.append(f"the first {numpy_rows:,} samples of epoch {compiled_epochs[0]}")
    if before:
        timing += f"; {' and '.join(before)} ran on the NumPy path meanwhile"
    return "compiled", (f"{note}; {timing}" if note else timing), seconds


# ------------------------------------------------------------------- the kernels, their signatures, the cache
def _dummy(key):
    """A small epoch with the same types as a run of ``key`` (what numba compiles for)."""
    from types import SimpleNamespace

    from ..core.layers import Dense
    from ..core.losses import get_loss
    from ..core.optimizers import SGD
    dtype, layers, threads, x_form, y_form = key
    sizes = [3] + [8] * layers
    net = SimpleNamespace(dtype=np.dtype(dtype), loss=get_loss("quadratic"),
                          layers=[Dense(np.zeros((n_out, n_in)), np.zeros(n_out), dtype=dtype)
                                  for n_in, n_out in zip(sizes[:-1], sizes[1:])])

    def array(shape, form):
        a = np.zeros(shape, dtype) if form.startswith("C") else np.zeros((shape[0], 2 * shape[1]), dtype)[:, ::2]
        a.flags.writeable = not form.endswith("-ro")
        return a
    X, Y = array((4, 3), x_form), array((4, 8), y_form)
    return compiled.epoch_struct(net, X, Y, None, np.arange(4), 2, SGD(0.1), two_threads=threads == 2)


def _dispatcher_and_signature(key):
    import numba
    from . import compiled_kernels, compiled_threads
    e = _dummy(key)
    if key[2] == 2:
        return compiled_threads.epoch_part, (numba.int64, numba.int64, numba.typeof(np.zeros(1, np.int64)),
                                             numba.typeof(e))
    return compiled_kernels.epoch, (numba.typeof(e),)


def _index_on_disk(key):
    """Whether numba's cache index of the kernel ``key`` needs may exist (a look at file names, without importing
    numba: in ``__pycache__`` beside the kernels, under ``NUMBA_CACHE_DIR``, or in the user's numba cache)."""
    name = "compiled_threads.epoch_part-*.nbi" if key[2] == 2 else "compiled_kernels.epoch-*.nbi"
    if os.environ.get("NUMBA_CACHE_DIR"):                   # then numba caches there and nowhere else
        roots = [os.path.join(os.environ["NUMBA_CACHE_DIR"], "**")]
    else:
        roots = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__"),
                 os.path.join(os.path.expanduser("~"), ".cache", "numba", "**")]
    return any(glob.glob(os.path.join(root, name), recursive=True) for root in roots)


def _load_cached(key):
    """True if the kernel of ``key`` is in this process or was loaded from numba's disk cache; never compiles.
    (What numba's ``Dispatcher.compile`` does before it compiles, without the compiling.)"""
    from numba.core.compiler_lock import global_compiler_lock
    dispatcher, signature = _dispatcher_and_signature(key)
    with global_compiler_lock:
        if dispatcher.overloads.get(tuple(signature)) is not None:
            return True
        result = dispatcher._cache.load_overload(signature, dispatcher.targetctx)
        if result is None:
            return False
        dispatcher._cache_hits[signature] += 1
        dispatcher.targetctx.insert_user_function(result.entry_point, result.fndesc, [result.library])
        dispatcher.add_overload(result)
    return True


def compile_kernel(dtype, layers, threads, x_form="C", y_form="C"):
    """Compile (or load) the kernel of one signature in this process; numba writes it to its disk cache."""
    dispatcher, signature = _dispatcher_and_signature((dtype, layers, threads, x_form, y_form))
    started = time.perf_counter()
    dispatcher.compile(signature)
    return time.perf_counter() - started


def _start_helper_process(key):
    """A new Python process (same interpreter, same deltaprop) compiling ``key``'s kernel into numba's disk cache.
    It has its own session and no pipe to this process, so it finishes even if this process ends first."""
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) # above deltaprop/
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([package_parent] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    code = f"from deltaprop.fast import compiled_warmup; compiled_warmup.compile_kernel(*{key!r})"
    errors = tempfile.TemporaryFile("w+")
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
    process.errors = errors
    return process


def _wait_for_helper(process):
    status = process.wait()
    with process.errors as errors:
        if status:
            errors.seek(0)
            lines = (errors.read().strip() or f"exit status {status}").splitlines()
            raise RuntimeError(f"compiling in a helper process failed: {lines[-1]}")


@atexit.register
def _compile_what_is_still_missing():
    """At exit, a kernel whose check had not finished still gets its helper process: the next run finds it."""
    for preparation in list(_PREPARED.values()):
        if not preparation._done.is_set():
            preparation.start_helper()


# ------------------------------------------------------------------------------------------ deltaprop warmup
COMMON_LAYERS = (2, 3)      # one or two hidden layers


def warm_up(dtypes=("float32", "float64"), layers=COMMON_LAYERS, report=None):
    """Compile (or load) the kernels of every dtype × depth × thread count this machine would use; returns
    ``[(key, seconds, how)]``.  ``report(key, seconds, how)`` is called after each."""
    thread_counts = (1, 2) if compiled.THREADS >= 2 and sys.platform != "win32" else (1,)
    done = []
    for dtype in dtypes:
        for depth in layers:
            for threads in thread_counts if depth > 1 else (1,):     # two threads need a layer after the first
                key = (dtype, depth, threads, "C", "C")
                started = time.perf_counter()
                how = "already in the disk cache" if _load_cached(key) else "compiled"
                if how == "compiled":
                    compile_kernel(*key)
                done.append((key, time.perf_counter() - started, how))
                if report is not None:
                    report(*done[-1])
    return done
