"""The compiled epoch on two threads, for small networks: the first layer's units are split between the threads.

At small batches (A/10: 10 × 784 → 30 → 10) an epoch is 6,000 steps of about 20 µs each: too short for a thread
pool per step, and OpenBLAS keeps such small products on one thread.  Here two threads walk the epoch together.
Each owns a share of layer 1's units (its rows of W¹ and b¹, its columns of Z¹ and A¹), and per batch:

1. both: forward for their own units of layer 1, from the batch thread 1 gathered (two buffers, in turn);
2. thread 0, once thread 1's units are done: layers 2…L forward, BP1 (and the books), BP2 down to Δ¹, and the
   steps of layers 2…L.  Meanwhile thread 1 gathers the next batch (DRAM-bound: ~3 µs of the step);
3. both, once Δ¹ is ready: BP3, BP4 and the step for their own units of layer 1 (one GEMM on their rows).

A thread writes only what it owns, and phase 3 needs no meeting before the next batch's phase 1 (a thread's units
need only its own rows of W¹), so every number is computed as in the one-thread epoch, on blocks of rows (float64:
equal to it; float32: within the GEMM's rounding, tested).  The threads meet through counters in ``flags``
(atomic load/store, acquire/release); a waiting thread spins, then yields its core.  Used only where OpenBLAS
would not start its own threads (:func:`deltaprop.fast.compiled_epoch.threads_for`), so the two never compete for the cores.
"""

from __future__ import annotations

import ctypes

import llvmlite.binding as llvm
import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .compiled_kernels import activate, bias_step, check_codes, forward_layer, forward_small, gather, hidden_delta, \
    output_delta, update

FLAG = (0, 16)          # each thread's progress (2s − 1: layer 1 forward of batch s done; thread 0's 2s: Δ¹ ready)
ABORT = 8               # set when a thread failed: the other one stops waiting
GATHERED = 24           # batches gathered so far (by thread 1)
FLAGS = 32              # int64 counters, each on its own cache line
llvm.add_symbol("sched_yield", ctypes.cast(ctypes.CDLL(None).sched_yield, ctypes.c_void_p).value)


@intrinsic
def load_acquire(typingctx, flags, index):
    """``flags[index]``, read with acquire ordering (sees every write made before the matching release)."""
    def codegen(context, builder, sig, args):
        array = context.make_array(sig.args[0])(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, sig.args[0], array, [args[1]], wraparound=False)
        return builder.load_atomic(pointer, ordering="acquire", align=8)
    return types.int64(flags, index), codegen


@intrinsic
def store_release(typingctx, flags, index, value):
    """``flags[index] = value`` with release ordering (publishes every write made before it)."""
    def codegen(context, builder, sig, args):
        array = context.make_array(sig.args[0])(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, sig.args[0], array, [args[1]], wraparound=False)
        value = context.cast(builder, args[2], sig.args[2], types.int64)
        builder.store_atomic(value, pointer, ordering="release", align=8)
        return context.get_dummy_value()
    return types.void(flags, index, value), codegen


@intrinsic
def sched_yield(typingctx):
    """Give this core to another runnable thread (POSIX ``sched_yield``)."""
    def codegen(context, builder, sig, args):
        function = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield")
        builder.call(function, [])
        return context.get_dummy_value()
    return types.void(), codegen


@numba.njit(cache=True, nogil=True)
def wait_for(flags, index, value):
    """Wait until ``flags[index] ≥ value``; False if the other thread aborted instead."""
    spins = 0
    while load_acquire(flags, index) < value:
        if load_acquire(flags, ABORT):
            return False
        spins += 1
        if spins > 4000:                                # a few µs: the other thread is not coming soon
            sched_yield()
    return True


@numba.njit(cache=True, nogil=True)
def epoch_part(thread, split, flags, e):
    """Thread ``thread``'s part of one epoch over :class:`deltaprop.fast.compiled_rules.Epoch` ``e``: units
    ``[0, split)`` of layer 1 for thread 0, the rest for thread 1.  Here ``e.xb``, ``e.yb`` are ``(2, B, d_0)``,
    ``(2, B, d_L)``: batch s is gathered into ``[(s − 1) % 2]``; ``e.scratch[thread]`` is the thread's row for
    BP3's sums.  Thread 0 returns ``(loss_sum, correct)``; thread 1 returns zeros."""
    check_codes(e.acts, e.loss)
    n, L, B = e.order.shape[0], len(e.Ws), e.B         # n: the rows of this epoch
    Ws, bs, Zs, As, Ds, acts, slopes, one, zero = e.Ws, e.bs, e.Zs, e.As, e.Ds, e.acts, e.slopes, e.one, e.zero
    W1, b1, Z1, A1, D1 = Ws[0], bs[0], Zs[0], As[0], Ds[0]
    j_from, j_to = (0, split) if thread == 0 else (split, W1.shape[0])
    loss_sum, correct = 0.0, 0
    contiguous = np.arange(B)
    if thread == 1:
        gather(e.X, e.Y, e.order[0:B], min(B, n), e.xb[0], e.yb[0])
        store_release(flags, GATHERED, 1)
    step = 0
    for start in range(0, n, B):
        m = min(B, n - start)
        step += 1
        xb, yb = e.xb[(step - 1) % 2], e.yb[(step - 1) % 2]
        if thread == 0 and not wait_for(flags, GATHERED, step):
            break
        forward_small(xb, contiguous, W1, Z1, m, j_from, j_to, zero)           # 1. layer 1, own units
        activate(Z1, b1, A1, m, j_from, j_to, acts[0], slopes[0], one)
        store_release(flags, FLAG[thread], 2 * step - 1)
        if thread == 0:                                                         # 2. the rest of the network
            if not wait_for(flags, FLAG[1], 2 * step - 1):
                break
            for l in range(1, L):
                forward_layer(As[l - 1], contiguous, Ws[l], bs[l], Zs[l], As[l], m, acts[l], slopes[l],
                              e.small_rows, e.small_units, one, zero, Ds[l])
            batch_loss, batch_correct = output_delta(e, yb, m, e.lr / m, start)
            loss_sum += batch_loss
            correct += batch_correct
            for l in range(L - 1, 0, -1):
                hidden_delta(Ds[l], Ws[l], Ds[l - 1], As[l - 1], Zs[l - 1], m, acts[l - 1], slopes[l - 1], one,
                             zero)
                if e.train_b[l]:
                    bias_step(Ds[l], bs[l], e.scratch[0], m, 0, Ws[l].shape[0])
                update(Ds[l], As[l - 1], Ws[l], m, 0, Ws[l].shape[0], e.beta, one)
            store_release(flags, FLAG[0], 2 * step)
        else:                                           # the next batch, into the other buffer once thread 0 is
            if not wait_for(flags, FLAG[0], 2 * step - 1):      # done with it (its forward of this batch comes
                break                                           # after its last use of that buffer)
            if start + m < n:
                rows_next = e.order[start + m:start + m + B]
                gather(e.X, e.Y, rows_next, rows_next.shape[0], e.xb[step % 2], e.yb[step % 2])
                store_release(flags, GATHERED, step + 1)
            if not wait_for(flags, FLAG[0], 2 * step):
                break
        if e.train_b[0]:                                                        # 3. layer 1's step, own units
            bias_step(D1, b1, e.scratch[thread], m, j_from, j_to)
        update(D1, xb, W1, m, j_from, j_to, e.beta, one)
    return loss_sum, correct
