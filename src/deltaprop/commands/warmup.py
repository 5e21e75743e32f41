"""``deltaprop warmup``: compile the compiled epoch's kernels ahead of time, so that no run waits for them."""

from __future__ import annotations

from ..fast import blas_gemm as blas
from ..fast import compiled_epoch as compiled
from .errors import CommandError

HELP = "compile the fast path's kernels now (numba, deltaprop[fast]) so the first training run does not wait"


def add_arguments(parser):
    parser.add_argument("--dtype", choices=["float32", "float64", "both"], default="both",
                        help="the precision(s) to compile for (default both)")
    parser.add_argument("--layers", type=int, choices=range(1, 9), metavar="1..8", action="append",
                        help="weight layers of the networks to compile for; repeat for several "
                             "(default: 2 and 3, one or two hidden layers)")


def run(args):
    if not compiled._numba():
        print("numba is not installed: deltaprop trains on its NumPy path, which needs no warm-up "
              "(pip install 'deltaprop[fast]' for the compiled epoch)")
        return 0
    if not blas.available():
        print("NumPy's bundled OpenBLAS was not found: the compiled epoch is not used here, nothing to compile")
        return 0
    from ..fast import compiled_warmup
    dtypes = ("float32", "float64") if args.dtype == "both" else (args.dtype,)
    layers = tuple(args.layers or compiled_warmup.COMMON_LAYERS)

    def report(key, seconds, how):
        dtype, depth, threads = key[:3]
        plural = "s" if depth > 1 else ""
        print(f"  {dtype}, {depth} weight layer{plural}, {threads} thread(s): {how} ({seconds:.1f} s)", flush=True)

    print("compiling the compiled epoch's kernels (numba's disk cache; each takes seconds the first time):")
    try:
        done = compiled_warmup.warm_up(dtypes, layers, report)
    except Exception as error:          # noqa: BLE001 -- one line for the user
        raise CommandError(f"could not compile the kernels: {type(error).__name__}: {error}") from error
    print(f"ready: {len(done)} kernel(s); training runs of these shapes start on the compiled epoch")
    return 0
