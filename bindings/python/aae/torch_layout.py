"""A model's tensors in PyTorch's state_dict layout (Model.state_dict and
Model.load_state_dict), without importing torch.

libaae's own tensors (Model.tensors) are 2-D: a bias or a BatchNorm vector
is [1 x n]. PyTorch's state_dict of the same nn.Sequential holds them 1-D
[n], weights of Linear layers 2-D [out x in], and one more entry per
BatchNorm1d, "num_batches_tracked", a 0-d int64.

num_batches_tracked: libaae does not count the batches each BatchNorm layer
has seen. PyTorch reads the count only when momentum is None (a cumulative
average), which libaae does not have: its running statistics always move
by a fixed momentum, as PyTorch's do by default, and then the count changes
no number. state_dict() gives every BatchNorm the model's training step
count (Model.steps): 0 for an untrained model, as a fresh PyTorch module
has, and otherwise the number of steps, each of which updated the layer's
statistics (PyTorch would count every training forward, and a step may
forward a network more than once). load_state_dict() checks it (a 0-d
integer >= 0) and ignores it.
"""
from collections import namedtuple

import numpy as np

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])

_COUNT = "num_batches_tracked"
_VECTORS = ("bias", "running_mean", "running_var")


def torch_layout(index):
    """[(name, shape, library index or None)] in PyTorch's order from the
    library's [(name, (rows, cols))]: vectors 1-D, num_batches_tracked (no
    library tensor) after each BatchNorm's running_var."""
    bn = {n.rsplit(".", 1)[0] for n, _ in index if n.endswith(".running_mean")}
    out = []
    for i, (name, (rows, cols)) in enumerate(index):
        prefix, what = name.rsplit(".", 1)
        vector = what in _VECTORS or (what == "weight" and prefix in bn)
        out.append((name, (rows * cols,) if vector else (rows, cols), i))
        if what == "running_var":
            out.append((f"{prefix}.{_COUNT}", (), None))
    return out


def as_array(value):
    """A numpy array of value; a torch tensor (anything with detach/cpu) is
    detached and moved to the CPU first."""
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    return np.asarray(value)


def _check_count(name, a):
    if a.shape != ():
        raise ValueError(f"tensor {name!r} has shape () in PyTorch's layout, the value {a.shape}")
    if a.dtype.kind not in "iu":
        raise TypeError(f"tensor {name!r} must be an integer, not {a.dtype}")
    if a < 0:
        raise ValueError(f"tensor {name!r} must be >= 0, not {int(a)}")


_F32_MAX = float(np.finfo(np.float32).max)


def _check_values(name, a):
    """The library's rule for stored values: finite (as float32: a larger
    float64 would round to infinity), running_var >= 0."""
    a = a.astype(np.float64)
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(a) <= _F32_MAX)
    if name.endswith(".running_var"):
        bad |= a < 0
    if bad.any():
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        rule = "finite in float32" + (" and >= 0" if name.endswith(".running_var") else "")
        raise ValueError(f"tensor {name!r} element {i} is {a.reshape(-1)[i]} (must be {rule})")


def plan_load(index, state_dict, strict):
    """Checks a state_dict against the library's tensor index; returns
    ([(library index, float32 array)], IncompatibleKeys). Raises before
    anything is written: KeyError for unknown or missing names under
    strict, ValueError / TypeError for a shape, type or value the tensor
    cannot take (whatever strict is, as PyTorch's size mismatch)."""
    layout = torch_layout(index)
    known = {name: (shape, i) for name, shape, i in layout}
    missing = [name for name, _, _ in layout if name not in state_dict]
    unexpected = [k for k in state_dict if k not in known]
    if strict and (missing or unexpected):
        parts = []
        if unexpected:
            parts.append("unexpected key(s): " + ", ".join(map(repr, unexpected)))
        if missing:
            parts.append("missing key(s): " + ", ".join(map(repr, missing)))
        raise KeyError("load_state_dict: " + "; ".join(parts))
    plan = []
    for name, value in state_dict.items():
        if name not in known:
            continue
        shape, i = known[name]
        a = as_array(value)
        if i is None:
            _check_count(name, a)
            continue
        if a.shape != shape:
            raise ValueError(f"tensor {name!r} has shape {shape} in PyTorch's layout, "
                             f"the value {a.shape}")
        if a.dtype.kind not in "fiu":
            raise TypeError(f"tensor {name!r} must hold real numbers, not {a.dtype}")
        _check_values(name, a)
        plan.append((i, np.ascontiguousarray(a, dtype=np.float32)))
    return plan, IncompatibleKeys(missing, unexpected)
