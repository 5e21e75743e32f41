"""The text of the generated PyTorch training script; :mod:`deltaprop.interop.pytorch_script` fills the ``@@NAME@@``
slots (the network, the loss, the optimiser and the schedule of one model) and writes it.

Kept as one readable page so that what a user receives can be read here top to bottom.
"""

TEMPLATE = '''"""Continue training a deltaprop network in PyTorch -- written by `deltaprop export --format pytorch-script`.

    python @@SCRIPT@@ --data DATA --out continued.safetensors [--epochs N] [--eval DATA] [--no-shuffle]
    torchrun --standalone --nproc_per_node=4 @@SCRIPT@@ --data DATA --out continued.safetensors
    deltaprop import continued.safetensors -o continued.npz       # back to deltaprop: explain, evaluate, ...

DATA is what deltaprop trained on, before any scaling: an .npz with X and y (X_train and y_train also work;
--eval takes X_test and y_test when they are there), a .csv with a `label` column, or a folder with the
MNIST-format IDX files (train-images-idx3-ubyte[.gz], ...; --eval reads t10k-*).  Labels may be of any integer
type (uint8, int32, ...).  The model's own preprocessing is applied here: @@PREPROCESSING_NOTE@@.

Where deltaprop stopped: @@POSITION@@
This script goes on from there with the same optimiser and its state, the learning-rate schedule and its
position, dropout and weight decay.  @@CARRIED_NOTE@@

More processes, one machine or many: under torchrun (it sets RANK, WORLD_SIZE and LOCAL_RANK) the script starts
a process group (nccl on GPUs, gloo on CPUs), wraps the model in DistributedDataParallel and gives each of the
W processes its share of every epoch with a DistributedSampler.  --batch-size is the *global* batch: each
process takes batch-size / W samples of it and DDP averages the gradients, so every step is the step one
process would take on the whole batch -- keep the learning rate.  (Growing the global batch is a change of the
training itself; the usual rule of thumb then grows the learning rate in proportion.)  Only rank 0 prints and
writes --out.  With W processes an epoch has a multiple of W samples: DistributedSampler repeats up to W - 1 of
them (said when it happens).
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

HERE = Path(__file__).resolve().parent
WEIGHTS = HERE / "@@WEIGHTS@@"        # the network + deltaprop's metadata (header)
OPTIMIZER_STATE = @@OPTIMIZER_STATE@@
DTYPE = torch.@@DTYPE@@
TRAINING = @@TRAINING@@
with safe_open(WEIGHTS, framework="pt") as _file:
    METADATA = json.loads(_file.metadata()["deltaprop"])   # sizes, activations, loss, preprocessing, ...
PREPROCESSING = METADATA["metadata"].get("preprocessing") or {"kind": "none"}


def build_model():
    """deltaprop's layers as nn.Sequential; the model returns logits (z of the last layer).

    Linear number 2(l - 1) is deltaprop's layer l (weight (n_out, n_in), as W^l), followed by its activation
    (and dropout).  The output activation is applied by the loss and by predict(), not by the model.
    """
    model = nn.Sequential(
@@LAYERS@@
    ).to(DTYPE)
    model.load_state_dict(load_file(WEIGHTS))
@@FROZEN@@    return model


@@OUTPUT@@


@@COST@@


@@TARGETS@@


def warn_if_already_scaled(X):
    """One line on stderr when DATA looks scaled already: deltaprop divided the raw inputs by their maximum (e.g.
    255) when it trained, and inputs that all lie within [0, 1] would be divided again."""
    if PREPROCESSING["kind"] == "unit" and PREPROCESSING["maximum"] > 1 and len(X) and np.max(X) <= 1:
        print(f"warning: every input is within [0, 1], but deltaprop trained on raw inputs divided by "
              f"{PREPROCESSING['maximum']:g}: give --data the raw values (these would be divided again)",
              file=sys.stderr)


def preprocess(X):
    """Raw inputs (n, d) -> the network's inputs, exactly as deltaprop scales them."""
    X = np.array(X, dtype=np.@@DTYPE@@)
    if PREPROCESSING["kind"] == "unit":
        X *= 1.0 / PREPROCESSING["maximum"]
    elif PREPROCESSING["kind"] == "standardize":
        mean, std = np.array(PREPROCESSING["mean"], X.dtype), np.array(PREPROCESSING["std"], X.dtype)
        X /= std
        X -= mean / std
    return torch.from_numpy(X)


@@SCHEDULE@@


@@OPTIMIZER@@


# ---------------------------------------------------------------- data, as deltaprop reads it
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """An IDX file (.gz or raw): magic 0, 0, type, number of dimensions; the sizes; the values."""
    with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as file:
        data = file.read()
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    return np.frombuffer(data, IDX_TYPES[data[2]], offset=4 + 4 * ndim).reshape(shape)


def read_data(path, part):
    """(X (n, d), y (n,) labels or (n, k) targets) from an .npz, a .csv or an MNIST-format folder."""
    path = Path(path)
    if path.is_dir():
        prefix = {"train": "train", "test": "t10k"}[part]
        found = [sorted(path.glob(f"{prefix}-{kind}-idx*")) for kind in ("images", "labels")]
        if not all(found):
            raise SystemExit(f"{path}: no {prefix}-images-idx3-ubyte[.gz] and {prefix}-labels-idx1-ubyte[.gz] here")
        X = read_idx(found[0][0])
        return X.reshape(len(X), -1), read_idx(found[1][0])
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as arrays:
            pairs = ([("X_test", "y_test")] if part == "test" else []) + [("X", "y"), ("X_train", "y_train")]
            for x_key, y_key in pairs:
                if x_key in arrays and y_key in arrays:
                    return arrays[x_key], arrays[y_key]
        raise SystemExit(f"{path}: expected arrays X and y (or X_train and y_train)")
    if path.suffix == ".csv":
        header = path.read_text().splitlines()[0].split(",")
        if "label" not in header:
            raise SystemExit(f"{path}: the first line must name the columns, one of them `label`")
        table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
        column = header.index("label")
        y = table[:, column]
        return np.delete(table, column, axis=1), y.astype(np.int64) if np.all(y == np.round(y)) else y[:, None]
    raise SystemExit(f"{path}: give an .npz, a .csv or a folder of MNIST-format IDX files")


def check(X, y, path):
    """The data fits the network: one row of features per label, labels 0..K-1 (0/1 for one output)."""
    n_inputs, n_outputs = METADATA["sizes"][0], METADATA["sizes"][-1]
    if X.ndim != 2 or X.shape[1] != n_inputs or len(X) != len(y) or not len(X):
        raise SystemExit(f"{path}: {X.shape} inputs and {len(y)} labels; the network takes {n_inputs} features")
    top = max(n_outputs - 1, 1)
    if np.issubdtype(y.dtype, np.integer) and y.ndim == 1 and (y.min() < 0 or y.max() > top):
        raise SystemExit(f"{path}: labels range over {y.min()}..{y.max()}; the network has labels 0..{top}")
    return X, y


# ---------------------------------------------------------------- one process or many (torchrun)
def start_processes():
    """(rank, world size, device); under torchrun also the process group."""
    if "RANK" not in os.environ:
        return 0, 1, torch.device("cuda" if torch.cuda.is_available() else "cpu")
    local_rank = int(os.environ["LOCAL_RANK"])
    if torch.cuda.is_available():
        torch.cuda.set_device(local_rank)
        dist.init_process_group("nccl")
        return dist.get_rank(), dist.get_world_size(), torch.device("cuda", local_rank)
    dist.init_process_group("gloo")
    return dist.get_rank(), dist.get_world_size(), torch.device("cpu")


def total(*values, device):
    """The sums of ``values`` over every process (a no-op for one process)."""
    summed = torch.tensor(values, dtype=torch.float64, device=device)
    if dist.is_initialized():
        dist.all_reduce(summed)
    return summed.tolist()


def train_epoch(model, loader, optimizer, device):
    """One pass over this process's share; returns the mean training loss over every process."""
    model.train()
    loss_sum = count = 0.0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        loss = cost(model(x), y)
        optimizer.zero_grad()
        loss.backward()                 # under DDP: the gradients are averaged over the processes here
        optimizer.step()
        loss_sum += loss.item() * len(x)
        count += len(x)
    loss_sum, count = total(loss_sum, count, device=device)
    return loss_sum / count


@torch.no_grad()
def evaluate(model, X, y, device):
    """Loss (deltaprop's cost) and, for class labels, accuracy on (X, y)."""
    model.eval()
    logits = model(preprocess(X).to(device))
    result = {"loss": cost(logits, targets(y).to(device)).item()}
    if y.ndim == 1:
        result["accuracy"] = (predicted_labels(logits).cpu().numpy() == y).mean().item()
    return result


@torch.no_grad()
def first_batch_loss(model, loader, device):
    """The hand-over check: the cost of the first batch before any step, without dropout (eval mode).

    deltaprop computes the same number for the same batch (Network.compute_loss).
    """
    model.eval()
    x, y = next(iter(loader))
    loss = cost(model(x.to(device)), y.to(device)).item()
    loss_sum, count = total(loss * len(x), len(x), device=device)
    return loss_sum / count


def save(model, path, history, metrics):
    """OUT.safetensors: the weights as deltaprop's safetensors, the metadata `deltaprop import` reads."""
    metadata = dict(METADATA)
    metadata["metadata"] = {**metadata["metadata"], "metrics": metrics, "pytorch": {"history": history}}
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    tensors = {name: value.detach().cpu().contiguous() for name, value in model.state_dict().items()}
    save_file(tensors, temporary, metadata={"deltaprop": json.dumps(metadata)})
    os.replace(temporary, path)          # atomic: the old file or the new one, never half of one


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="training data: .npz, .csv or a folder of IDX files")
    parser.add_argument("--out", type=Path, default=Path("continued.safetensors"),
                        help="where to write the trained network (default: continued.safetensors)")
    parser.add_argument("--epochs", type=int, default=TRAINING["epochs"] - TRAINING["epochs_done"],
                        help="epochs to train here (default: the rest of deltaprop's run)")
    parser.add_argument("--eval", metavar="DATA", help="report loss and accuracy on DATA at the end")
    parser.add_argument("--batch-size", type=int, default=TRAINING["batch_size"], help="the global batch")
    parser.add_argument("--no-shuffle", action="store_true", help="visit the samples in file order")
    parser.add_argument("--seed", type=int, default=0, help="seeds the shuffling and dropout")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"deltaprop finished all {TRAINING['epochs']} epochs of this run; give --epochs N to train "
                     f"N more (the schedule then spans {TRAINING['epochs_done']} + N epochs, as `deltaprop train "
                     f"--resume --epochs` does)")

    rank, world, device = start_processes()
    if args.batch_size % world:
        parser.error(f"--batch-size {args.batch_size} is the global batch: it must divide among {world} processes")
    torch.manual_seed(args.seed + rank)                      # dropout masks differ between processes
    X, y = check(*read_data(args.data, "train"), args.data)
    if rank == 0:
        warn_if_already_scaled(X)
    data = TensorDataset(preprocess(X), targets(y))
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=not args.no_shuffle, seed=args.seed)
    loader = DataLoader(data, batch_size=args.batch_size // world, sampler=sampler)
    model = build_model().to(device)
    optimizer = make_optimizer(model, len(data))
    net = DistributedDataParallel(model) if world > 1 else model
    if rank == 0 and len(data) % world:
        print(f"note: {len(data)} samples on {world} processes: DistributedSampler repeats "
              f"{world - len(data) % world} of them each epoch")

    first, last = TRAINING["epochs_done"] + 1, TRAINING["epochs_done"] + args.epochs
    horizon = max(TRAINING["epochs"], last)                  # the schedule's length, as deltaprop's resume
    sampler.set_epoch(first)
    history = [{"first_batch_loss": first_batch_loss(net, loader, device)}]
    if rank == 0:
        print(f"hand-over: loss on the first batch before any step {history[0]['first_batch_loss']:.6g}")
    for epoch in range(first, last + 1):
        sampler.set_epoch(epoch)                             # a fresh order each epoch, the same on every process
        rate = learning_rate(epoch, horizon)
        set_learning_rate(optimizer, rate)
        loss = train_epoch(net, loader, optimizer, device)
        history.append({"epoch": epoch, "loss": loss, "learning_rate": rate})
        if rank == 0:
            print(f"epoch {epoch}: loss {loss:.6g}  learning rate {rate:.4g}")
    metrics = {"epochs": last, "loss": loss}                 # where the run now stands
    if rank == 0 and args.eval:
        X_eval, y_eval = check(*read_data(args.eval, "test"), args.eval)
        scores = evaluate(model, X_eval, y_eval, device)
        print(f"eval on {args.eval}: " + "  ".join(f"{key} {value:.4f}" for key, value in scores.items()))
        metrics.update({f"eval_{key}": value for key, value in scores.items()})
    if rank == 0:
        save(model, args.out, history, metrics)
        print(f"saved {args.out}")
    if dist.is_initialized():
        dist.barrier()                                       # every rank waits for rank 0's save, then all leave together
        dist.destroy_process_group()
    return model


if __name__ == "__main__":
    main()
'''
