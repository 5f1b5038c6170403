"""Model.state_dict / load_state_dict: PyTorch's names and shapes, its
strictness, and a failed load that changes nothing (no torch needed)."""
import numpy as np
import pytest

import aae

WIDTH = 6


def bn_model(seed=0):
    """An AE whose encoder is Linear(6, 5), BatchNorm1d(5), ReLU, Linear(5, 2)
    and decoder Linear(2, 4), ReLU, Linear(4, 6), Sigmoid."""
    b = aae.Builder("ae").set(aae.Option.INPUT_WIDTH, WIDTH).set(aae.Option.Z_WIDTH, 2)
    b.set(aae.Option.SEED, seed)
    b.clear_layers(aae.Part.ENCODER).add_layer(aae.Part.ENCODER, 5, aae.Activation.RELU,
                                                batchnorm=True)
    b.clear_layers(aae.Part.DECODER).add_layer(aae.Part.DECODER, 4, aae.Activation.RELU)
    with b:
        return b.build()


def trained(model, steps=3):
    x = np.random.default_rng(1).uniform(0, 1, (16, WIDTH)).astype(np.float32)
    for _ in range(steps):
        model.train_step(x)
    return model


def test_state_dict_has_pytorchs_names_shapes_and_order():
    m = trained(bn_model())
    sd = m.state_dict()
    assert [(k, v.shape, v.dtype) for k, v in sd.items()] == [
        ("encoder.0.weight", (5, 6), np.float32), ("encoder.0.bias", (5,), np.float32),
        ("encoder.1.weight", (5,), np.float32), ("encoder.1.bias", (5,), np.float32),
        ("encoder.1.running_mean", (5,), np.float32), ("encoder.1.running_var", (5,), np.float32),
        ("encoder.1.num_batches_tracked", (), np.int64),
        ("encoder.3.weight", (2, 5), np.float32), ("encoder.3.bias", (2,), np.float32),
        ("decoder.0.weight", (4, 2), np.float32), ("decoder.0.bias", (4,), np.float32),
        ("decoder.2.weight", (6, 4), np.float32), ("decoder.2.bias", (6,), np.float32)]
    # The values are the library's tensors, reshaped.
    for k, v in m.tensors().items():
        np.testing.assert_array_equal(sd[k], v.reshape(sd[k].shape))
    assert int(sd["encoder.1.num_batches_tracked"]) == m.steps == 3
    assert int(bn_model().state_dict()["encoder.1.num_batches_tracked"]) == 0
    # A Linear with one output keeps its 2-D weight.
    d = aae.Builder("aae").set(aae.Option.INPUT_WIDTH, WIDTH).build().state_dict()
    assert d["z_discriminator.4.weight"].shape == (1, 256) and d["z_discriminator.4.bias"].shape == (1,)


def test_load_state_dict_round_trips_into_another_model():
    src, dst = trained(bn_model(seed=0)), bn_model(seed=7)
    x = np.random.default_rng(2).uniform(0, 1, (8, WIDTH)).astype(np.float32)
    assert not np.array_equal(src.encode(x), dst.encode(x))
    assert dst.load_state_dict(src.state_dict()) == ([], [])
    np.testing.assert_array_equal(dst.encode(x), src.encode(x))
    np.testing.assert_array_equal(dst.reconstruct(x), src.reconstruct(x))
    for k, v in src.tensors().items():
        np.testing.assert_array_equal(dst.tensors()[k], v)


def test_load_state_dict_converts_lists_and_float64():
    src, dst = trained(bn_model(seed=0)), bn_model(seed=7)
    sd = {k: v.astype(np.float64).tolist() if v.ndim else int(v) for k, v in src.state_dict().items()}
    sd["encoder.1.num_batches_tracked"] = np.array(5, np.int64)
    dst.load_state_dict(sd)
    for k, v in src.tensors().items():
        np.testing.assert_array_equal(dst.tensors()[k], v)


def assert_refused(model, sd, error, match, strict=True):
    before = model.tensors()
    with pytest.raises(error, match=match):
        model.load_state_dict(sd, strict=strict)
    after = model.tensors()
    for k, v in before.items():
        np.testing.assert_array_equal(after[k], v)


def changed(sd, **values):
    """sd with every float tensor moved (so a partial write would show) and
    the given entries replaced (None removes one)."""
    out = {k: (v + 1 if v.dtype == np.float32 else v) for k, v in sd.items()}
    for k, v in values.items():
        k = k.replace("__", ".")
        if v is None:
            del out[k]
        else:
            out[k] = v
    return out


def test_a_refused_load_changes_nothing():
    m = trained(bn_model())
    sd = m.state_dict()
    # The last tensor is the bad one: the ones before must not be written.
    assert_refused(m, changed(sd, decoder__2__bias=np.zeros((1, 6), np.float32)), ValueError,
                   r"'decoder.2.bias' has shape \(6,\) in PyTorch's layout, the value \(1, 6\)")
    assert_refused(m, changed(sd, decoder__2__weight=np.zeros((4, 6), np.float32)), ValueError,
                   r"'decoder.2.weight' has shape \(6, 4\).*\(4, 6\)")
    assert_refused(m, changed(sd, decoder__2__bias=np.full(6, np.nan, np.float32)), ValueError,
                   r"'decoder.2.bias' element 0 is nan \(must be finite in float32\)")
    var = sd["encoder.1.running_var"].copy()
    var[3] = -1
    assert_refused(m, changed(sd, encoder__1__running_var=var), ValueError,
                   r"'encoder.1.running_var' element 3 is -1.0 \(must be finite in float32 and >= 0\)")
    assert_refused(m, changed(sd, decoder__2__bias=np.full(6, 1e300)), ValueError, r"element 0 is 1e\+300")
    assert_refused(m, changed(sd, decoder__2__bias=np.array(["a"] * 6)), TypeError, "real numbers")
    assert_refused(m, changed(sd, decoder__2__bias=np.ones(6, bool)), TypeError, "real numbers")
    # num_batches_tracked: a 0-d integer >= 0.
    for bad, error, match in ((np.array([3]), ValueError, r"shape \(\) in PyTorch's layout"),
                              (np.array(3.0), TypeError, "must be an integer"),
                              (np.array(-1), ValueError, ">= 0")):
        assert_refused(m, changed(sd, encoder__1__num_batches_tracked=bad), error, match)


def test_strict_names_unknown_and_missing_keys():
    m = trained(bn_model())
    sd = m.state_dict()
    assert_refused(m, changed(sd, encoder__9__weight=np.ones((2, 2), np.float32)), KeyError,
                   r"unexpected key\(s\): 'encoder.9.weight'")
    assert_refused(m, changed(sd, encoder__1__num_batches_tracked=None), KeyError,
                   r"missing key\(s\): 'encoder.1.num_batches_tracked'")
    assert_refused(m, changed(sd, encoder__0__bias=None, x=np.ones(1)), KeyError,
                   r"unexpected key\(s\): 'x'; missing key\(s\): 'encoder.0.bias'")
    # strict=False: unknown names are ignored, missing ones left as they are;
    # shapes are still checked (as PyTorch's size mismatch).
    assert_refused(m, changed(sd, x=np.ones(1), decoder__2__bias=np.ones(5, np.float32)), ValueError,
                   "'decoder.2.bias' has shape", strict=False)
    before = m.tensors()
    keys = m.load_state_dict({"encoder.0.bias": np.zeros(5), "x": 1}, strict=False)
    assert keys.unexpected_keys == ["x"] and "encoder.0.bias" not in keys.missing_keys
    assert len(keys.missing_keys) == len(sd) - 1
    after = m.tensors()
    for k, v in before.items():
        np.testing.assert_array_equal(after[k], np.zeros((1, 5)) if k == "encoder.0.bias" else v)


def test_tensors_keep_libaaes_2d_layout():
    t = bn_model().tensors()
    assert t["encoder.0.bias"].shape == (1, 5) and t["encoder.1.running_var"].shape == (1, 5)
    assert not any(k.endswith("num_batches_tracked") for k in t)
