"""Python bindings for libaae over ctypes (no compiled extension).

    import aae, numpy as np
    model = aae.Builder("vae").set(aae.Option.INPUT_WIDTH, 784).build()
    aae.Trainer(epochs=5).fit(model, aae.Dataset.from_array(x))
    features = model.encode(x)

See core.py for the array conventions and _lib.py for how the library is
found (AAE_LIBRARY, pkg-config, the system loader).
"""
from .core import (Builder, Dataset, Error, Model, Trainer, blas_info, enum_members, enum_types,
                   enum_value, set_num_threads, version)
from .enums import (MAX_MILESTONES, Activation, DecoderInput, Metric, OptimizerKind, OptimizerParam,
                    Option, Output, Part, Phase, Preset, Prior, ReduceKind, Scale, Slot, Status,
                    TrainParam, YHead)

__all__ = ["Builder", "Dataset", "Error", "Model", "Trainer", "blas_info", "enum_members",
           "enum_types", "enum_value", "set_num_threads", "version", "MAX_MILESTONES", "Activation", "DecoderInput", "Metric", "OptimizerKind",
           "OptimizerParam", "Option", "Output", "Part", "Phase", "Preset", "Prior", "ReduceKind",
           "Scale", "Slot", "Status", "TrainParam", "YHead"]
