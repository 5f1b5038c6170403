"""Handles over the C API: Builder, Model, Dataset, Trainer.

Arrays: inputs are taken as C-contiguous float32 (int32 for labels) without
a copy when they already are; anything else (float64, Fortran order, a
slice with strides, a list) is converted with numpy.ascontiguousarray. A
1-D input is one row. Outputs are new float32 arrays.
"""
import ctypes
import math
import os
import weakref

import numpy as np

from . import _lib
from .enums import (Metric, Option, Part, Preset, ReduceKind, Scale, Slot, Status, TrainParam,
                    YHead)

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


def _f32(x, width=None, name="x"):
    a = np.ascontiguousarray(x, dtype=np.float32)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D, not {a.ndim}-D")
    if width is not None and a.shape[1] != width:
        raise ValueError(f"{name} has {a.shape[1]} columns, the model needs {width}")
    return a


def _i32(labels, rows, name="labels"):
    if labels is None:
        return None
    a = np.ascontiguousarray(labels, dtype=np.int32).reshape(-1)
    if a.shape[0] != rows:
        raise ValueError(f"{name} has {a.shape[0]} entries for {rows} rows")
    return a


def _fp(a):
    return None if a is None else a.ctypes.data_as(_lib.c_float_p)


def _ip(a):
    return None if a is None else a.ctypes.data_as(_lib.c_int32_p)


class _Handle:
    """Owns one C handle; freed by close(), `with`, or the finalizer."""

    _free = None

    def __init__(self, ptr):
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, type(self)._free, ptr)

    @property
    def _h(self):
        if not self._finalizer.alive:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    def close(self):
        """Frees the handle now; closing twice is harmless."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Builder(_Handle):
    """Model options; a preset (Preset or its name) only fills defaults.

        model = aae.Builder("vae").set(Option.INPUT_WIDTH, 784).build()
    """

    _free = staticmethod(_c.aae_builder_free)

    def __init__(self, preset=Preset.AAE):
        if isinstance(preset, str):
            preset = Preset[preset.upper()]
        p = ctypes.c_void_p()
        _check(_c.aae_builder_create(ctypes.byref(p), int(preset)))
        super().__init__(p.value)

    def set(self, option, value):
        _check(_c.aae_builder_set(self._h, int(option), float(value)))
        return self

    def get(self, option):
        v = ctypes.c_double()
        _check(_c.aae_builder_get(self._h, int(option), ctypes.byref(v)))
        return v.value

    def clear_layers(self, part):
        _check(_c.aae_builder_clear_layers(self._h, int(part)))
        return self

    def add_layer(self, part, width, activation, slope=0.0, batchnorm=False, dropout=0.0):
        _check(_c.aae_builder_add_layer(self._h, int(part), int(width), int(activation), float(slope),
                                        int(bool(batchnorm)), float(dropout)))
        return self

    def set_optimizer(self, part, kind, **params):
        """kind: OptimizerKind; params: OptimizerParam names, e.g. lr=1e-3."""
        from .enums import OptimizerParam
        _check(_c.aae_builder_set_optimizer(self._h, int(part), int(kind)))
        for k, v in params.items():
            _check(_c.aae_builder_set_optimizer_param(self._h, int(part), int(OptimizerParam[k.upper()]),
                                                      float(v)))
        return self

    def build(self):
        p = ctypes.c_void_p()
        _check(_c.aae_builder_build(self._h, ctypes.byref(p)))
        return Model(p.value)


class Model(_Handle):
    """A built or loaded model. Inference methods only read it and may run
    from many threads at once (ctypes releases the GIL during the call);
    train_step needs exclusive use."""

    _free = staticmethod(_c.aae_model_free)

    def get(self, option):
        v = ctypes.c_double()
        _check(_c.aae_model_get(self._h, int(option), ctypes.byref(v)))
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
        _check(_c.aae_model_steps(self._h, ctypes.byref(v)))
        return v.value

    # --- inference ----------------------------------------------------
    def encode(self, x, probabilities=False):
        """z (rows x z_width; the mean for a Gaussian posterior), and with
        probabilities=True also the class probabilities (needs a y head)."""
        x = _f32(x, self.input_width)
        z = np.empty((x.shape[0], self.z_width), np.float32)
        y = np.empty((x.shape[0], self.classes), np.float32) if probabilities else None
        _check(_c.aae_model_encode(self._h, _fp(x), x.shape[0], _fp(z), _fp(y), None, 0))
        return (z, y) if probabilities else z

    def decode(self, z, c=None):
        z = _f32(z, self.z_width, "z")
        c = None if c is None else _f32(c, self.classes, "c")
        x = np.empty((z.shape[0], self.input_width), np.float32)
        _check(_c.aae_model_decode(self._h, _fp(z), _fp(c), z.shape[0], _fp(x), None, 0))
        return x

    def reconstruct(self, x, labels=None):
        x = _f32(x, self.input_width)
        out = np.empty_like(x)
        _check(_c.aae_model_reconstruct(self._h, _fp(x), _ip(_i32(labels, x.shape[0])), x.shape[0],
                                        _fp(out), None, 0))
        return out

    def generate(self, n, seed=0, labels=None):
        out = np.empty((int(n), self.input_width), np.float32)
        _check(_c.aae_model_generate(self._h, int(n), int(seed), _ip(_i32(labels, int(n))), _fp(out),
                                     None, 0))
        return out

    def sample_prior(self, n, seed=0, labels=None):
        z = np.empty((int(n), self.z_width), np.float32)
        _check(_c.aae_model_sample_prior(self._h, int(n), int(seed), _ip(_i32(labels, int(n))), _fp(z)))
        return z

    def classify(self, x):
        """(classes as int32, probabilities)."""
        x = _f32(x, self.input_width)
        cls = np.empty(x.shape[0], np.int32)
        probs = np.empty((x.shape[0], self.classes), np.float32)
        _check(_c.aae_model_classify(self._h, _fp(x), x.shape[0], _ip(cls), _fp(probs), None, 0))
        return cls, probs

    def evaluate(self, dataset):
        """Metrics on a Dataset as a dict (NaN ones left out)."""
        m = (ctypes.c_double * len(Metric))()
        _check(_c.aae_model_evaluate(self._h, dataset._h, m))
        return {k.name.lower(): m[k] for k in Metric if not math.isnan(m[k])}

    # --- training -----------------------------------------------------
    def train_step(self, x, labels=None, step=None, xl=None, yl=None):
        """One minibatch step; returns the phase losses as a dict."""
        x = _f32(x, self.input_width)
        lab = _i32(labels, x.shape[0])
        xl = None if xl is None else _f32(xl, self.input_width, "xl")
        yl = None if xl is None else _i32(yl, xl.shape[0], "yl")
        losses = (ctypes.c_float * len(Slot))()
        _check(_c.aae_model_train_step(self._h, _fp(x), _ip(lab), x.shape[0], _fp(xl), _ip(yl),
                                       0 if xl is None else xl.shape[0],
                                       self.steps if step is None else int(step), losses))
        return {s.name.lower(): losses[s] for s in Slot}

    # --- parameters ---------------------------------------------------
    def tensors(self):
        """Every parameter and BatchNorm statistic as {name: float32 array},
        named as PyTorch's state_dict."""
        n = ctypes.c_size_t()
        _check(_c.aae_model_tensor_count(self._h, ctypes.byref(n)))
        out = {}
        for i in range(n.value):
            name, rows, cols = ctypes.c_char_p(), ctypes.c_size_t(), ctypes.c_size_t()
            _check(_c.aae_model_tensor_info(self._h, i, ctypes.byref(name), ctypes.byref(rows),
                                            ctypes.byref(cols)))
            a = np.empty((rows.value, cols.value), np.float32)
            _check(_c.aae_model_tensor_get(self._h, i, _fp(a), a.size))
            out[name.value.decode()] = a
        return out

    def set_tensors(self, tensors):
        """Writes the named tensors given (a dict as tensors() returns; names
        it does not hold are an error, missing ones are left as they are)."""
        n = ctypes.c_size_t()
        _check(_c.aae_model_tensor_count(self._h, ctypes.byref(n)))
        index = {}
        for i in range(n.value):
            name, rows, cols = ctypes.c_char_p(), ctypes.c_size_t(), ctypes.c_size_t()
            _check(_c.aae_model_tensor_info(self._h, i, ctypes.byref(name), ctypes.byref(rows),
                                            ctypes.byref(cols)))
            index[name.value.decode()] = (i, (rows.value, cols.value))
        for k, v in tensors.items():
            if k not in index:
                raise KeyError(f"the model has no tensor {k!r}")
            i, shape = index[k]
            a = np.ascontiguousarray(v, dtype=np.float32).reshape(shape)
            _check(_c.aae_model_tensor_set(self._h, i, _fp(a), a.size))

    # --- files --------------------------------------------------------
    def save(self, path):
        _check(_c.aae_model_save(self._h, os.fsencode(path)))

    @classmethod
    def load(cls, path):
        p = ctypes.c_void_p()
        _check(_c.aae_model_load(ctypes.byref(p), os.fsencode(path)))
        return cls(p.value)

    def to_bytes(self):
        size = ctypes.c_size_t()
        _check(_c.aae_model_save_memory(self._h, None, 0, ctypes.byref(size)))
        buf = ctypes.create_string_buffer(size.value)
        _check(_c.aae_model_save_memory(self._h, buf, size.value, ctypes.byref(size)))
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
        _check(_c.aae_dataset_load_idx(ctypes.byref(p), os.fsencode(images),
                                       None if labels is None else os.fsencode(labels), int(scale)))
        return cls(p.value)

    @property
    def shape(self):
        rows, width, has = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_int()
        _check(_c.aae_dataset_shape(self._h, ctypes.byref(rows), ctypes.byref(width), ctypes.byref(has)))
        return rows.value, width.value

    @property
    def has_labels(self):
        rows, width, has = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_int()
        _check(_c.aae_dataset_shape(self._h, ctypes.byref(rows), ctypes.byref(width), ctypes.byref(has)))
        return bool(has.value)

    def __len__(self):
        return self.shape[0]

    def rows(self, indices):
        """(x, labels) of the given row indices."""
        idx = np.ascontiguousarray(indices, dtype=np.uintp).reshape(-1)
        x = np.empty((idx.size, self.shape[1]), np.float32)
        lab = np.empty(idx.size, np.int32)
        _check(_c.aae_dataset_get_rows(self._h, idx.ctypes.data_as(_lib.c_size_p), idx.size, _fp(x), _ip(lab)))
        return x, lab

    def keep_labels(self, per_class, seed=0):
        """A copy where only per_class random rows of each class keep a label."""
        p = ctypes.c_void_p()
        _check(_c.aae_dataset_keep_labels(self._h, int(per_class), int(seed), ctypes.byref(p)))
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
        _check(_c.aae_trainer_set(self._h, int(param), float(value)))
        return self

    def get(self, param):
        v = ctypes.c_double()
        _check(_c.aae_trainer_get(self._h, int(param), ctypes.byref(v)))
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
        _check(_c.aae_trainer_set_parallel(self._h, int(rank), int(size), a, b, None))
        # The C side keeps the thunks until replaced: they must stay alive.
        self._parallel = (a, b) if int(size) > 1 else None
        return self

    def fit(self, model, train, labelled=None, eval=None, on_epoch=None, on_batch=None):
        """Trains; on_epoch(epoch, losses, metrics, samples_per_s) and
        on_batch(epoch, batch, batches, losses, samples_per_s) may return True
        to stop. An exception raised in a callback stops training and is
        re-raised here; the model keeps what it learnt until then."""
        raised = self._raised
        raised.clear()

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

        # The ctypes thunks must outlive the call; NULL when not wanted.
        bcb = _lib.BATCH_CALLBACK(batch_cb) if on_batch else _lib.BATCH_CALLBACK()
        ecb = _lib.EPOCH_CALLBACK(epoch_cb) if on_epoch else _lib.EPOCH_CALLBACK()
        _check(_c.aae_trainer_set_callbacks(self._h, bcb, ecb, None))
        _check(_c.aae_trainer_set_eval(self._h, None if eval is None else eval._h))
        try:
            st = _c.aae_trainer_fit(self._h, model._h, train._h, None if labelled is None else labelled._h)
        finally:
            _c.aae_trainer_set_callbacks(self._h, _lib.BATCH_CALLBACK(), _lib.EPOCH_CALLBACK(), None)
            _c.aae_trainer_set_eval(self._h, None)
        if raised:
            raise raised[0]
        if st == Status.ERR_CANCELLED:
            return False
        _check(st)
        return True
