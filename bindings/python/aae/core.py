"""Handles over the C API: Builder, Model, Dataset, Trainer.

Arrays: inputs are taken as C-contiguous float32 (int32 for labels) without
a copy when they already are; anything else (float64, Fortran order, a
slice with strides, a list) is converted with numpy.ascontiguousarray. A
1-D input is one row. Outputs are new float32 arrays. Nothing is rounded or
wrapped: labels must be integers (TypeError) within int32 (ValueError), a
tensor must have its shape (ValueError), a path no null byte (ValueError).

Handles: a handle that a library call is using (from a callback of that
call, or from another thread) refuses to close with RuntimeError.
"""
import contextlib
import ctypes
import math
import numbers
import operator
import os
import threading
import weakref

import numpy as np

from . import _lib
from .enums import (Activation, Metric, OptimizerKind, OptimizerParam, Option, Part, Phase, Preset,
                    ReduceKind, Scale, Slot, Status, TrainParam, YHead)
from .torch_layout import plan_load, torch_layout

_c = _lib.lib


class Error(Exception):
    """A libaae call failed: .status (Status), .message (the library's
    thread-local explanation)."""

    def __init__(self, status, message):
        self.status = Status(status) if status in Status._value2member_map_ else status
        self.message = message
        name = _c.aae_status_name(status).decode()
        super().__init__(f"{message} [{name}]" if message else name)


def _check(status):
    if status != 0:
        raise Error(status, _c.aae_last_error().decode())


def version():
    """The runtime library's version string."""
    return _c.aae_version_string().decode()


def blas_info():
    return _c.aae_blas_info().decode()


def set_num_threads(n):
    _check(_c.aae_set_num_threads(int(n)))


def enum_types():
    """The C names of the header's enums ("aae_status", ...), from the library."""
    types, i = [], 0
    while (t := _c.aae_enum_type(i)) is not None:
        types.append(t.decode())
        i += 1
    return types


def enum_members(c_type):
    """{C name: value} of the members of C enum `c_type` ("aae_option"), in
    header order, from the library (so names on a command line need no
    table of their own). Error for an unknown type."""
    name, value, members = ctypes.c_char_p(), ctypes.c_int(), {}
    t = c_type.encode()
    _check(_c.aae_enum_member(t, 0, ctypes.byref(name), ctypes.byref(value)))
    while _c.aae_enum_member(t, len(members), ctypes.byref(name), ctypes.byref(value)) == 0:
        members[name.value.decode()] = value.value
    return members


def enum_value(c_type, name):
    """The value of the member of C enum `c_type` called `name`: its C name
    or the name without the members' common prefix, any case
    (enum_value("aae_option", "z_width") == Option.Z_WIDTH). Error if none."""
    value = ctypes.c_int()
    _check(_c.aae_enum_value(c_type.encode(), name.encode(), ctypes.byref(value)))
    return value.value


def _f32(x, width=None, name="x"):
    a = np.ascontiguousarray(x, dtype=np.float32)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D, not {a.ndim}-D")
    if width is not None and a.shape[1] != width:
        raise ValueError(f"{name} has {a.shape[1]} columns, the model needs {width}")
    return a


_INT32 = np.iinfo(np.int32)


def _integers(values, name):
    """values as an integer array: never rounds or wraps (TypeError for
    non-integers, ValueError outside int32)."""
    a = np.asarray(values)
    if a.dtype == object and all(isinstance(v, int) and not isinstance(v, bool) for v in a.flat):
        if any(not _INT32.min <= v <= _INT32.max for v in a.flat):
            raise ValueError(f"{name} must fit in int32 [{_INT32.min}, {_INT32.max}]")
        a = a.astype(np.int64)
    if a.size and a.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers, not {a.dtype}")
    if a.size and (a.min() < _INT32.min or a.max() > _INT32.max):
        raise ValueError(f"{name} must fit in int32 [{_INT32.min}, {_INT32.max}]: "
                         f"found {a.min() if a.min() < _INT32.min else a.max()}")
    return a


def _i32(labels, rows, name="labels"):
    if labels is None:
        return None
    a = np.ascontiguousarray(_integers(labels, name), dtype=np.int32).reshape(-1)
    if a.shape[0] != rows:
        raise ValueError(f"{name} has {a.shape[0]} entries for {rows} rows")
    return a


def _path(path, name="path"):
    """A file name as the C library reads it; a null byte would cut it short."""
    b = os.fsencode(path)
    if b"\0" in b:
        raise ValueError(f"{name} contains a null byte: {path!r}")
    return b


def _tensor_array(value, name, index):
    """value as a float32 array for tensor `name` of index {name: (i, shape)}:
    KeyError for an unknown name, ValueError for another shape."""
    if name not in index:
        raise KeyError(f"the model has no tensor {name!r}")
    shape = index[name][1]
    a = np.ascontiguousarray(value, dtype=np.float32)
    vector = 1 in shape and a.shape == (shape[0] * shape[1],)
    if a.shape != shape and not vector:
        raise ValueError(f"tensor {name!r} has shape {shape}, the value {a.shape}")
    return a


def _epochs(values):
    """Milestone epochs as a uint64 array: integers (TypeError otherwise) in
    [0, 2**64) (ValueError), never rounded or wrapped."""
    out = []
    for v in values:
        if isinstance(v, bool):
            raise TypeError(f"milestone epochs must be integers, not {v!r}")
        try:
            v = operator.index(v)
        except TypeError:
            raise TypeError(f"milestone epochs must be integers, not {v!r}") from None
        if not 0 <= v < 2**64:
            raise ValueError(f"milestone epoch {v} is outside [0, 2**64)")
        out.append(v)
    return (ctypes.c_uint64 * len(out))(*out)


def _enum(enum, value):
    """A C value as its IntEnum member when known (a newer library may
    return values this package does not)."""
    return enum(value) if value in enum._value2member_map_ else value


def _fp(a):
    return None if a is None else a.ctypes.data_as(_lib.c_float_p)


def _ip(a):
    return None if a is None else a.ctypes.data_as(_lib.c_int32_p)


class _Handle:
    """Owns one C handle; freed by close(), `with`, or the finalizer.

    Every call into the library pins the handles it passes (_pinned): a
    pinned handle refuses to close (RuntimeError), whether the close comes
    from a callback of that call or from another thread, so the library
    never sees a freed handle. A pin also holds a reference, so the
    finalizer cannot run during the call."""

    _free = None

    def __init__(self, ptr):
        self._ptr = ptr
        self._lock = threading.Lock()
        self._users = 0
        self._finalizer = weakref.finalize(self, type(self)._free, ptr)

    def _pin(self):
        with self._lock:
            if not self._finalizer.alive:
                raise ValueError(f"{type(self).__name__} is closed")
            self._users += 1
        return self._ptr

    def _unpin(self):
        with self._lock:
            self._users -= 1

    def close(self):
        """Frees the handle now; closing twice is harmless. RuntimeError
        while a library call uses the handle (close it after the call)."""
        with self._lock:
            if self._users:
                raise RuntimeError(f"{type(self).__name__} is in use by a running library call "
                                   f"(a callback or another thread); close it after the call returns")
            self._finalizer()

    def _call(self, fn, *args):
        """fn(handle, *args) with this handle pinned; Error if it fails."""
        with _pinned(self) as (h,):
            _check(fn(h, *args))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def _pinned(*handles):
    """The C pointers of handles (None stays None), pinned for the block."""
    pinned = []
    try:
        for h in handles:
            if h is not None:
                h._pin()
                pinned.append(h)
        yield tuple(None if h is None else h._ptr for h in handles)
    finally:
        for h in pinned:
            h._unpin()


class Builder(_Handle):
    """Model options; a preset (Preset or its name) only fills defaults.

        model = aae.Builder("vae").set(Option.INPUT_WIDTH, 784).build()

    Builder.from_model(model) holds the options a model was built with.
    """

    _free = staticmethod(_c.aae_builder_free)

    def __init__(self, preset=Preset.AAE):
        if isinstance(preset, str):
            preset = Preset[preset.upper()]
        p = ctypes.c_void_p()
        _check(_c.aae_builder_create(ctypes.byref(p), int(preset)))
        super().__init__(p.value)

    def set(self, option, value):
        self._call(_c.aae_builder_set, int(option), float(value))
        return self

    def get(self, option):
        v = ctypes.c_double()
        self._call(_c.aae_builder_get, int(option), ctypes.byref(v))
        return v.value

    def clear_layers(self, part):
        self._call(_c.aae_builder_clear_layers, int(part))
        return self

    def add_layer(self, part, width, activation, slope=0.0, batchnorm=False, dropout=0.0):
        self._call(_c.aae_builder_add_layer, int(part), int(width), int(activation), float(slope),
                   int(bool(batchnorm)), float(dropout))
        return self

    @classmethod
    def from_model(cls, model):
        """A new builder holding the options `model` was built with (a loaded
        model's too): the getters read them, and a changed copy builds
        another model."""
        p = ctypes.c_void_p()
        with _pinned(model) as (m,):
            _check(_c.aae_builder_from_model(ctypes.byref(p), m))
        b = cls.__new__(cls)
        _Handle.__init__(b, p.value)
        return b

    def layers(self, part):
        """The hidden layers of `part`, as dicts of add_layer's arguments:
        [{"width", "activation", "slope", "batchnorm", "dropout"}]."""
        n = ctypes.c_size_t()
        self._call(_c.aae_builder_layer_count, int(part), ctypes.byref(n))
        out = []
        for i in range(n.value):
            width, act, slope = ctypes.c_size_t(), ctypes.c_int(), ctypes.c_float()
            bn, dropout = ctypes.c_int(), ctypes.c_float()
            self._call(_c.aae_builder_get_layer, int(part), i, ctypes.byref(width),
                       ctypes.byref(act), ctypes.byref(slope), ctypes.byref(bn),
                       ctypes.byref(dropout))
            out.append({"width": width.value, "activation": _enum(Activation, act.value),
                        "slope": slope.value, "batchnorm": bool(bn.value),
                        "dropout": dropout.value})
        return out

    def set_optimizer(self, part, kind, **params):
        """kind: OptimizerKind; params: OptimizerParam names, e.g. lr=1e-3."""
        self._call(_c.aae_builder_set_optimizer, int(part), int(kind))
        for k, v in params.items():
            self._call(_c.aae_builder_set_optimizer_param, int(part), int(OptimizerParam[k.upper()]),
                       float(v))
        return self

    def _optimizer(self, get_kind, get_param, which):
        kind = ctypes.c_int()
        self._call(get_kind, int(which), ctypes.byref(kind))
        params = {}
        if kind.value != OptimizerKind.PART:
            for p in OptimizerParam:
                v = ctypes.c_double()
                with _pinned(self) as (h,):
                    st = get_param(h, int(which), int(p), ctypes.byref(v))
                if st == Status.ERR_INVALID_ARGUMENT:
                    continue  # the setting does not apply to this kind
                _check(st)
                params[p.name.lower()] = v.value
        return _enum(OptimizerKind, kind.value), params

    def optimizer(self, part):
        """(OptimizerKind, {param: value}) of `part`, with every setting that
        applies to the kind (names as set_optimizer takes them)."""
        return self._optimizer(_c.aae_builder_get_optimizer, _c.aae_builder_get_optimizer_param,
                               part)

    def set_phase_optimizer(self, phase, kind, **params):
        """Gives `phase` (Phase) its own optimizer of `kind` with PyTorch's
        defaults, then the params given (OptimizerParam names, e.g. lr=0.1,
        momentum=0.9); OptimizerKind.PART: the phase goes back to each
        network's part optimizer. A model without the phase refuses it at
        build."""
        self._call(_c.aae_builder_set_phase_optimizer, int(phase), int(kind))
        for k, v in params.items():
            self._call(_c.aae_builder_set_phase_optimizer_param, int(phase),
                       int(OptimizerParam[k.upper()]), float(v))
        return self

    def phase_optimizer(self, phase):
        """(OptimizerKind, {param: value}) of `phase`: (OptimizerKind.PART, {})
        when it uses its networks' part optimizers."""
        return self._optimizer(_c.aae_builder_get_phase_optimizer,
                               _c.aae_builder_get_phase_optimizer_param, phase)

    def set_phase_milestones(self, phase, epochs, gamma=0.1):
        """A MultiStepLR schedule for `phase`: its learning rates are
        multiplied by gamma once for each milestone <= the epoch (counted
        over the model's life). epochs: at most MAX_MILESTONES strictly
        increasing integers >= 1; empty removes the schedule."""
        e = _epochs(epochs)
        self._call(_c.aae_builder_set_phase_milestones, int(phase), e, len(e), float(gamma))
        return self

    def phase_milestones(self, phase):
        """(epochs as a list, gamma) of `phase`'s schedule ([] if none)."""
        n, gamma = ctypes.c_size_t(), ctypes.c_double()
        self._call(_c.aae_builder_get_phase_milestones, int(phase), None, 0, ctypes.byref(n),
                   ctypes.byref(gamma))
        e = (ctypes.c_uint64 * n.value)()
        self._call(_c.aae_builder_get_phase_milestones, int(phase), e, n.value, ctypes.byref(n),
                   ctypes.byref(gamma))
        return list(e)[:n.value], gamma.value

    def build(self):
        p = ctypes.c_void_p()
        self._call(_c.aae_builder_build, ctypes.byref(p))
        return Model(p.value)


class Model(_Handle):
    """A built or loaded model. Inference methods only read it and may run
    from many threads at once (ctypes releases the GIL during the call);
    train_step needs exclusive use."""

    _free = staticmethod(_c.aae_model_free)

    def get(self, option):
        v = ctypes.c_double()
        self._call(_c.aae_model_get, int(option), ctypes.byref(v))
        return v.value

    @property
    def input_width(self):
        return int(self.get(Option.INPUT_WIDTH))

    @property
    def z_width(self):
        return int(self.get(Option.Z_WIDTH))

    @property
    def classes(self):
        return int(self.get(Option.CLASSES))

    @property
    def has_y_head(self):
        return int(self.get(Option.Y_HEAD)) != YHead.NONE

    @property
    def steps(self):
        v = ctypes.c_uint64()
        self._call(_c.aae_model_steps, ctypes.byref(v))
        return v.value

    # --- inference ----------------------------------------------------
    def encode(self, x, probabilities=False):
        """z (rows x z_width; the mean for a Gaussian posterior), and with
        probabilities=True also the class probabilities (needs a y head)."""
        x = _f32(x, self.input_width)
        z = np.empty((x.shape[0], self.z_width), np.float32)
        y = np.empty((x.shape[0], self.classes), np.float32) if probabilities else None
        self._call(_c.aae_model_encode, _fp(x), x.shape[0], _fp(z), _fp(y), None, 0)
        return (z, y) if probabilities else z

    def decode(self, z, c=None):
        z = _f32(z, self.z_width, "z")
        c = None if c is None else _f32(c, self.classes, "c")
        x = np.empty((z.shape[0], self.input_width), np.float32)
        self._call(_c.aae_model_decode, _fp(z), _fp(c), z.shape[0], _fp(x), None, 0)
        return x

    def reconstruct(self, x, labels=None):
        x = _f32(x, self.input_width)
        out = np.empty_like(x)
        self._call(_c.aae_model_reconstruct, _fp(x), _ip(_i32(labels, x.shape[0])), x.shape[0],
                   _fp(out), None, 0)
        return out

    def generate(self, n, seed=0, labels=None):
        out = np.empty((int(n), self.input_width), np.float32)
        self._call(_c.aae_model_generate, int(n), int(seed), _ip(_i32(labels, int(n))), _fp(out),
                   None, 0)
        return out

    def sample_prior(self, n, seed=0, labels=None):
        z = np.empty((int(n), self.z_width), np.float32)
        self._call(_c.aae_model_sample_prior, int(n), int(seed), _ip(_i32(labels, int(n))), _fp(z))
        return z

    def classify(self, x):
        """(classes as int32, probabilities)."""
        x = _f32(x, self.input_width)
        cls = np.empty(x.shape[0], np.int32)
        probs = np.empty((x.shape[0], self.classes), np.float32)
        self._call(_c.aae_model_classify, _fp(x), x.shape[0], _ip(cls), _fp(probs), None, 0)
        return cls, probs

    def class_log_probs(self, x):
        """log q(y|x) from the logits: orders rows whose probability rounds to 1."""
        x = _f32(x, self.input_width)
        out = np.empty((x.shape[0], self.classes), np.float32)
        self._call(_c.aae_model_class_log_probs, _fp(x), x.shape[0], _fp(out), None, 0)
        return out

    def evaluate(self, dataset):
        """Metrics on a Dataset as a dict (NaN ones left out)."""
        m = (ctypes.c_double * len(Metric))()
        with _pinned(self, dataset) as (h, d):
            _check(_c.aae_model_evaluate(h, d, m))
        return {k.name.lower(): m[k] for k in Metric if not math.isnan(m[k])}

    # --- training -----------------------------------------------------
    def train_step(self, x, labels=None, step=None, xl=None, yl=None):
        """One minibatch step; returns the phase losses as a dict."""
        x = _f32(x, self.input_width)
        lab = _i32(labels, x.shape[0])
        xl = None if xl is None else _f32(xl, self.input_width, "xl")
        yl = None if xl is None else _i32(yl, xl.shape[0], "yl")
        losses = (ctypes.c_float * len(Slot))()
        self._call(_c.aae_model_train_step, _fp(x), _ip(lab), x.shape[0], _fp(xl), _ip(yl),
                   0 if xl is None else xl.shape[0], self.steps if step is None else int(step), losses)
        return {s.name.lower(): losses[s] for s in Slot}

    # --- parameters ---------------------------------------------------
    def _tensor_index(self):
        """[(name, (rows, cols))] of every tensor, in the library's order."""
        n = ctypes.c_size_t()
        self._call(_c.aae_model_tensor_count, ctypes.byref(n))
        out = []
        for i in range(n.value):
            name, rows, cols = ctypes.c_char_p(), ctypes.c_size_t(), ctypes.c_size_t()
            self._call(_c.aae_model_tensor_info, i, ctypes.byref(name), ctypes.byref(rows),
                       ctypes.byref(cols))
            out.append((name.value.decode(), (rows.value, cols.value)))
        return out

    def tensors(self):
        """Every parameter and BatchNorm statistic as {name: float32 array},
        named as PyTorch's state_dict, in libaae's own 2-D layout (a bias or
        BatchNorm vector is [1 x n]); state_dict() gives PyTorch's shapes."""
        out = {}
        for i, (name, shape) in enumerate(self._tensor_index()):
            a = np.empty(shape, np.float32)
            self._call(_c.aae_model_tensor_get, i, _fp(a), a.size)
            out[name] = a
        return out

    def set_tensors(self, tensors):
        """Writes the named tensors given (a dict as tensors() returns; names
        it does not hold are a KeyError, missing ones are left as they are).
        Each must have the tensor's shape (a vector may also be 1-D, as
        PyTorch's biases are): ValueError otherwise. Every tensor is checked
        before any is written."""
        index = {name: (i, shape) for i, (name, shape) in enumerate(self._tensor_index())}
        checked = [(index[k][0], _tensor_array(v, k, index)) for k, v in tensors.items()]
        for i, a in checked:
            self._call(_c.aae_model_tensor_set, i, _fp(a), a.size)

    def state_dict(self):
        """Every tensor in PyTorch's state_dict layout, names and shapes as
        the nn.Sequential mirror of each part holds them (weights [out x in],
        vectors 1-D, a 0-d int64 num_batches_tracked per BatchNorm: the
        model's step count, see aae.torch_layout), as new numpy arrays:

            torch_model.load_state_dict({k: torch.from_numpy(v) for k, v in
                                         model.state_dict().items()})
        """
        index = self._tensor_index()
        steps = self.steps
        out = {}
        for name, shape, i in torch_layout(index):
            if i is None:
                out[name] = np.array(steps, np.int64)
                continue
            a = np.empty(shape, np.float32)
            self._call(_c.aae_model_tensor_get, i, _fp(a), a.size)
            out[name] = a
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Writes a state_dict in PyTorch's layout (numpy arrays, torch
        tensors or anything numpy converts), as torch's load_state_dict:
        with strict=True an unknown or a missing name is a KeyError; each
        value must have the tensor's PyTorch shape (ValueError naming the
        tensor and both shapes, whatever strict is) and finite real values
        (running_var >= 0); num_batches_tracked is checked (0-d integer
        >= 0) and ignored. Everything is checked before anything is written,
        and a library failure while writing restores every tensor, so a
        failed load changes nothing. Returns (missing_keys, unexpected_keys)."""
        index = self._tensor_index()
        plan, keys = plan_load(index, state_dict, strict)
        saved = self.tensors() if plan else {}
        before = [saved[name] for name, _ in index] if plan else []
        try:
            for i, a in plan:
                self._call(_c.aae_model_tensor_set, i, _fp(a), a.size)
        except BaseException:
            for i, a in enumerate(before):
                self._call(_c.aae_model_tensor_set, i, _fp(a), a.size)
            raise
        return keys

    # --- files --------------------------------------------------------
    def save(self, path):
        self._call(_c.aae_model_save, _path(path))

    @classmethod
    def load(cls, path):
        p = ctypes.c_void_p()
        _check(_c.aae_model_load(ctypes.byref(p), _path(path)))
        return cls(p.value)

    def to_bytes(self):
        size = ctypes.c_size_t()
        self._call(_c.aae_model_save_memory, None, 0, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        self._call(_c.aae_model_save_memory, buf, size.value, ctypes.byref(size))
        return buf.raw[:size.value]

    @classmethod
    def from_bytes(cls, data):
        p = ctypes.c_void_p()
        _check(_c.aae_model_load_memory(ctypes.byref(p), bytes(data), len(data)))
        return cls(p.value)


class Dataset(_Handle):
    """Rows of floats with optional int32 labels (-1 = unlabelled)."""

    _free = staticmethod(_c.aae_dataset_free)

    @classmethod
    def from_array(cls, x, labels=None, skip_nonfinite=False):
        """A dataset holding its own copy of x (and labels). Rows with NaN or
        Inf are an error, or left out with skip_nonfinite=True."""
        x = _f32(x)
        lab = _i32(labels, x.shape[0])
        p = ctypes.c_void_p()
        own = 2 if skip_nonfinite else 0  # AAE_COPY_FINITE / AAE_COPY
        _check(_c.aae_dataset_from_memory(ctypes.byref(p), _fp(x), _ip(lab), x.shape[0], x.shape[1], own))
        return cls(p.value)

    @classmethod
    def load_idx(cls, images, labels=None, scale=Scale.UNIT):
        p = ctypes.c_void_p()
        _check(_c.aae_dataset_load_idx(ctypes.byref(p), _path(images, "images"),
                                       None if labels is None else _path(labels, "labels"), int(scale)))
        return cls(p.value)

    @property
    def shape(self):
        rows, width, has = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_int()
        self._call(_c.aae_dataset_shape, ctypes.byref(rows), ctypes.byref(width), ctypes.byref(has))
        return rows.value, width.value

    @property
    def has_labels(self):
        rows, width, has = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_int()
        self._call(_c.aae_dataset_shape, ctypes.byref(rows), ctypes.byref(width), ctypes.byref(has))
        return bool(has.value)

    def __len__(self):
        return self.shape[0]

    def rows(self, indices):
        """(x, labels) of the given row indices."""
        idx = np.ascontiguousarray(indices, dtype=np.uintp).reshape(-1)
        x = np.empty((idx.size, self.shape[1]), np.float32)
        lab = np.empty(idx.size, np.int32)
        self._call(_c.aae_dataset_get_rows, idx.ctypes.data_as(_lib.c_size_p), idx.size, _fp(x), _ip(lab))
        return x, lab

    def split(self, valid_rows, seed=0):
        """(train, valid): valid_rows random rows (by seed) held out, the
        rest in their original order, as aae_dataset_split."""
        t, v = ctypes.c_void_p(), ctypes.c_void_p()
        self._call(_c.aae_dataset_split, int(valid_rows), int(seed), ctypes.byref(t), ctypes.byref(v))
        return Dataset(t.value), Dataset(v.value)

    def keep_labels(self, per_class, seed=0):
        """A copy where only per_class random rows of each class keep a label."""
        p = ctypes.c_void_p()
        self._call(_c.aae_dataset_keep_labels, int(per_class), int(seed), ctypes.byref(p))
        return Dataset(p.value)


class Trainer(_Handle):
    """Epochs of shuffled minibatches. Settings are TrainParam names:
    Trainer(epochs=5, batch_size=64, seed=0)."""

    _free = staticmethod(_c.aae_trainer_free)

    def __init__(self, **params):
        p = ctypes.c_void_p()
        _check(_c.aae_trainer_create(ctypes.byref(p)))
        super().__init__(p.value)
        # Exceptions raised in callbacks and hooks during fit (fit re-raises
        # the first); the hooks hold this list, not the trainer.
        self._raised = []
        self._parallel = None  # the registered hook thunks, kept alive
        for k, v in params.items():
            self.set(TrainParam[k.upper()], v)

    def set(self, param, value):
        self._call(_c.aae_trainer_set, int(param), float(value))
        return self

    def get(self, param):
        v = ctypes.c_double()
        self._call(_c.aae_trainer_get, int(param), ctypes.byref(v))
        return v.value

    def set_parallel(self, rank, size, allreduce=None, broadcast=None):
        """Makes this trainer process `rank` of `size` training one model on
        one global batch (data parallelism); size 1 trains alone again. The
        library does no communication itself: it calls

            allreduce(kind, data)  # ReduceKind, float32 array: replace by
                                   # its sum over all processes, in place
            broadcast(data)        # uint8 array: replace by rank 0's, in place

        at the same points, in the same order, on every process (e.g. with
        mpi4py: comm.Allreduce(MPI.IN_PLACE, data) and comm.Bcast(data)).
        The arrays are views of the library's buffers, valid only during
        the call. Every process then calls fit with the same settings and
        datasets on a model built from the same options; the result equals
        one process training with the same batch size (up to summation
        order). An exception raised in a hook stops training and is
        re-raised from fit; the other processes are not told."""
        if rank < 0 or size < 0:
            raise ValueError(f"rank {rank} and size {size} must not be negative")
        raised = self._raised

        def fail(e):
            raised.append(e)
            status = int(e.status) if isinstance(e, Error) else 0
            return status or int(Status.ERR_CANCELLED)  # an aae.Error keeps its status

        def allreduce_cb(_user, kind, data, n):
            try:
                view = np.ctypeslib.as_array(data, shape=(n,)) if n else np.empty(0, np.float32)
                allreduce(ReduceKind(kind) if kind in ReduceKind._value2member_map_ else kind, view)
                return 0
            except BaseException as e:  # noqa: B036 - must not unwind through C
                return fail(e)

        def broadcast_cb(_user, data, nbytes):
            try:
                view = (np.ctypeslib.as_array(ctypes.cast(data, ctypes.POINTER(ctypes.c_uint8)),
                                              shape=(nbytes,)) if nbytes else np.empty(0, np.uint8))
                broadcast(view)
                return 0
            except BaseException as e:  # noqa: B036
                return fail(e)

        a = _lib.ALLREDUCE_FN(allreduce_cb) if allreduce else _lib.ALLREDUCE_FN()
        b = _lib.BROADCAST_FN(broadcast_cb) if broadcast else _lib.BROADCAST_FN()
        self._call(_c.aae_trainer_set_parallel, int(rank), int(size), a, b, None)
        # The C side keeps the thunks until replaced: they must stay alive.
        self._parallel = (a, b) if int(size) > 1 else None
        return self

    def fit(self, model, train, labelled=None, eval=None, on_epoch=None, on_batch=None,
            lr_callback=None):
        """Trains; on_epoch(epoch, losses, metrics, samples_per_s) and
        on_batch(epoch, batch, batches, losses, samples_per_s) may return True
        to stop. lr_callback(epoch, phase) is called once per epoch, before
        its first batch, for each Phase the model has, and returns the factor
        (finite, >= 0) multiplying that phase's learning rates this epoch (on
        top of the trainer's schedule and the phase's milestones; epoch
        counts over the model's life); another value stops training with
        aae.Error (ERR_INVALID_ARGUMENT). An exception raised in a callback
        stops training and is re-raised here; the model keeps what it learnt
        until then."""
        raised = self._raised
        raised.clear()

        def lr_cb(_user, epoch, phase):
            try:
                f = lr_callback(epoch, _enum(Phase, phase))
                if isinstance(f, bool) or not isinstance(f, numbers.Real):
                    raise TypeError(f"lr_callback must return a number, not {f!r}")
                return float(f)
            except BaseException as e:  # noqa: B036 - must not unwind through C
                raised.append(e)
                return math.nan  # the library refuses the epoch, training nothing

        def batch_cb(_user, epoch, batch, batches, losses, rate):
            try:
                d = {s.name.lower(): losses[s] for s in Slot}
                return 1 if on_batch(epoch, batch, batches, d, rate) else 0
            except BaseException as e:  # noqa: B036 - must not unwind through C
                raised.append(e)
                return 1

        def epoch_cb(_user, epoch, losses, metrics, rate):
            try:
                d = {s.name.lower(): losses[s] for s in Slot}
                m = None if not metrics else {k.name.lower(): metrics[k] for k in Metric
                                              if not math.isnan(metrics[k])}
                return 1 if on_epoch(epoch, d, m, rate) else 0
            except BaseException as e:  # noqa: B036
                raised.append(e)
                return 1

        # The ctypes thunks must outlive the call (the locals do: the library
        # calls them only inside it, and they are unregistered before it
        # returns); NULL when not wanted.
        bcb = _lib.BATCH_CALLBACK(batch_cb) if on_batch else _lib.BATCH_CALLBACK()
        ecb = _lib.EPOCH_CALLBACK(epoch_cb) if on_epoch else _lib.EPOCH_CALLBACK()
        lcb = _lib.LR_CALLBACK(lr_cb) if lr_callback else _lib.LR_CALLBACK()
        # Every handle the library holds during fit is pinned until it returns.
        with _pinned(self, model, train, labelled, eval) as (t, m, d, dl, de):
            try:
                _check(_c.aae_trainer_set_callbacks(t, bcb, ecb, None))
                _check(_c.aae_trainer_set_lr_callback(t, lcb, None))
                _check(_c.aae_trainer_set_eval(t, de))
                st = _c.aae_trainer_fit(t, m, d, dl)
            finally:
                _c.aae_trainer_set_callbacks(t, _lib.BATCH_CALLBACK(), _lib.EPOCH_CALLBACK(), None)
                _c.aae_trainer_set_lr_callback(t, _lib.LR_CALLBACK(), None)
                _c.aae_trainer_set_eval(t, None)
        if raised:
            raise raised[0]
        if st == Status.ERR_CANCELLED:
            return False
        _check(st)
        return True
