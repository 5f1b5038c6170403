"""Finding libaae and declaring the C functions the package calls.

The library is found through, in order: the AAE_LIBRARY environment variable
(a path to libaae.so.0), pkg-config's libdir for `aae`, then the system
loader (`libaae.so.0`).
"""
import ctypes
import os
import subprocess

c_float_p = ctypes.POINTER(ctypes.c_float)
c_int32_p = ctypes.POINTER(ctypes.c_int32)
c_size_p = ctypes.POINTER(ctypes.c_size_t)
c_double_p = ctypes.POINTER(ctypes.c_double)
c_uint64_p = ctypes.POINTER(ctypes.c_uint64)
c_void_pp = ctypes.POINTER(ctypes.c_void_p)

BATCH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64,
                                  ctypes.c_uint64, c_float_p, ctypes.c_double)
EPOCH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, c_float_p,
                                  c_double_p, ctypes.c_double)
# aae_lr_callback(user, epoch, phase) -> the phase's learning-rate factor.
LR_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_int)
# Data-parallel hooks: aae_allreduce_fn(user, kind, data, n), aae_broadcast_fn(user, data, bytes).
ALLREDUCE_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, c_float_p, ctypes.c_size_t)
BROADCAST_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)


def _candidates():
    path = os.environ.get("AAE_LIBRARY")
    if path:
        yield path
        return  # an explicit choice is not silently replaced
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "aae"], capture_output=True,
                                text=True, check=True).stdout.strip()
        if libdir:
            yield os.path.join(libdir, "libaae.so.0")
    except (OSError, subprocess.CalledProcessError):
        pass
    yield "libaae.so.0"


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("libaae not found (set AAE_LIBRARY to libaae.so.0 or install it where "
                      "pkg-config finds it):\n  " + "\n  ".join(errors))


lib = _load()

_S = ctypes.c_int  # aae_status
_P = ctypes.c_void_p
_Z = ctypes.c_size_t
_U64 = ctypes.c_uint64
_D = ctypes.c_double

_PROTOTYPES = {
    "aae_status_string": (ctypes.c_char_p, [ctypes.c_int]),
    "aae_status_name": (ctypes.c_char_p, [ctypes.c_int]),
    "aae_last_error": (ctypes.c_char_p, []),
    "aae_version": (ctypes.c_uint, []),
    "aae_version_string": (ctypes.c_char_p, []),
    "aae_blas_info": (ctypes.c_char_p, []),
    "aae_set_num_threads": (_S, [ctypes.c_int]),
    "aae_enum_type": (ctypes.c_char_p, [_Z]),
    "aae_enum_member": (_S, [ctypes.c_char_p, _Z, ctypes.POINTER(ctypes.c_char_p),
                             ctypes.POINTER(ctypes.c_int)]),
    "aae_enum_value": (_S, [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
    "aae_builder_create": (_S, [c_void_pp, ctypes.c_int]),
    "aae_builder_free": (None, [_P]),
    "aae_builder_set": (_S, [_P, ctypes.c_int, _D]),
    "aae_builder_get": (_S, [_P, ctypes.c_int, c_double_p]),
    "aae_builder_clear_layers": (_S, [_P, ctypes.c_int]),
    "aae_builder_add_layer": (_S, [_P, ctypes.c_int, _Z, ctypes.c_int, ctypes.c_float, ctypes.c_int,
                                   ctypes.c_float]),
    "aae_builder_layer_count": (_S, [_P, ctypes.c_int, c_size_p]),
    "aae_builder_get_layer": (_S, [_P, ctypes.c_int, _Z, c_size_p, ctypes.POINTER(ctypes.c_int),
                                   c_float_p, ctypes.POINTER(ctypes.c_int), c_float_p]),
    "aae_builder_set_optimizer": (_S, [_P, ctypes.c_int, ctypes.c_int]),
    "aae_builder_set_optimizer_param": (_S, [_P, ctypes.c_int, ctypes.c_int, _D]),
    "aae_builder_get_optimizer": (_S, [_P, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]),
    "aae_builder_get_optimizer_param": (_S, [_P, ctypes.c_int, ctypes.c_int, c_double_p]),
    "aae_builder_set_phase_optimizer": (_S, [_P, ctypes.c_int, ctypes.c_int]),
    "aae_builder_set_phase_optimizer_param": (_S, [_P, ctypes.c_int, ctypes.c_int, _D]),
    "aae_builder_get_phase_optimizer": (_S, [_P, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]),
    "aae_builder_get_phase_optimizer_param": (_S, [_P, ctypes.c_int, ctypes.c_int, c_double_p]),
    "aae_builder_set_phase_milestones": (_S, [_P, ctypes.c_int, c_uint64_p, _Z, _D]),
    "aae_builder_get_phase_milestones": (_S, [_P, ctypes.c_int, c_uint64_p, _Z, c_size_p,
                                              c_double_p]),
    "aae_builder_from_model": (_S, [c_void_pp, _P]),
    "aae_builder_build": (_S, [_P, c_void_pp]),
    "aae_model_free": (None, [_P]),
    "aae_model_get": (_S, [_P, ctypes.c_int, c_double_p]),
    "aae_model_train_step": (_S, [_P, c_float_p, c_int32_p, _Z, c_float_p, c_int32_p, _Z, _U64,
                                  c_float_p]),
    "aae_model_encode": (_S, [_P, c_float_p, _Z, c_float_p, c_float_p, c_float_p, _Z]),
    "aae_model_decode": (_S, [_P, c_float_p, c_float_p, _Z, c_float_p, c_float_p, _Z]),
    "aae_model_reconstruct": (_S, [_P, c_float_p, c_int32_p, _Z, c_float_p, c_float_p, _Z]),
    "aae_model_generate": (_S, [_P, _Z, _U64, c_int32_p, c_float_p, c_float_p, _Z]),
    "aae_model_sample_prior": (_S, [_P, _Z, _U64, c_int32_p, c_float_p]),
    "aae_model_classify": (_S, [_P, c_float_p, _Z, c_int32_p, c_float_p, c_float_p, _Z]),
    "aae_model_class_log_probs": (_S, [_P, c_float_p, _Z, c_float_p, c_float_p, _Z]),
    "aae_model_tensor_count": (_S, [_P, c_size_p]),
    "aae_model_tensor_info": (_S, [_P, _Z, ctypes.POINTER(ctypes.c_char_p), c_size_p, c_size_p]),
    "aae_model_tensor_get": (_S, [_P, _Z, c_float_p, _Z]),
    "aae_model_tensor_set": (_S, [_P, _Z, c_float_p, _Z]),
    "aae_model_save": (_S, [_P, ctypes.c_char_p]),
    "aae_model_load": (_S, [c_void_pp, ctypes.c_char_p]),
    "aae_model_save_memory": (_S, [_P, ctypes.c_void_p, _Z, c_size_p]),
    "aae_model_load_memory": (_S, [c_void_pp, ctypes.c_void_p, _Z]),
    "aae_model_steps": (_S, [_P, ctypes.POINTER(ctypes.c_uint64)]),
    "aae_model_evaluate": (_S, [_P, _P, c_double_p]),
    "aae_dataset_from_memory": (_S, [c_void_pp, c_float_p, c_int32_p, _Z, _Z, ctypes.c_int]),
    "aae_dataset_load_idx": (_S, [c_void_pp, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]),
    "aae_dataset_free": (None, [_P]),
    "aae_dataset_shape": (_S, [_P, c_size_p, c_size_p, ctypes.POINTER(ctypes.c_int)]),
    "aae_dataset_get_rows": (_S, [_P, c_size_p, _Z, c_float_p, c_int32_p]),
    "aae_dataset_split": (_S, [_P, _Z, _U64, c_void_pp, c_void_pp]),
    "aae_dataset_keep_labels": (_S, [_P, _Z, _U64, c_void_pp]),
    "aae_trainer_create": (_S, [c_void_pp]),
    "aae_trainer_free": (None, [_P]),
    "aae_trainer_set": (_S, [_P, ctypes.c_int, _D]),
    "aae_trainer_get": (_S, [_P, ctypes.c_int, c_double_p]),
    "aae_trainer_set_callbacks": (_S, [_P, BATCH_CALLBACK, EPOCH_CALLBACK, ctypes.c_void_p]),
    "aae_trainer_set_lr_callback": (_S, [_P, LR_CALLBACK, ctypes.c_void_p]),
    "aae_trainer_set_eval": (_S, [_P, _P]),
    "aae_trainer_epoch": (_S, [_P, _P, _P, _P]),
    "aae_trainer_fit": (_S, [_P, _P, _P, _P]),
    "aae_trainer_set_parallel": (_S, [_P, ctypes.c_uint, ctypes.c_uint, ALLREDUCE_FN, BROADCAST_FN,
                                      ctypes.c_void_p]),
}

for _name, (_res, _args) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args
