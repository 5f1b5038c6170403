"""The Python bindings: round trips, errors as exceptions, callbacks that
raise or stop, handles closed twice, array conversion rules, and the enums
against the C header."""
import os
import re

import numpy as np
import pytest

import aae

WIDTH, CLASSES = 16, 4
HEADER = os.path.join(os.path.dirname(__file__), "..", "..", "..", "include", "aae", "aae.h")


def blobs(rows=128, seed=0):
    """Four well separated classes of 16 features in [0, 1]."""
    rng = np.random.default_rng(seed)
    labels = np.arange(rows, dtype=np.int32) % CLASSES
    x = np.full((rows, WIDTH), 0.1, np.float32) + rng.uniform(-0.05, 0.05, (rows, WIDTH)).astype(np.float32)
    for c in range(CLASSES):
        x[labels == c, 4 * c:4 * c + 4] += 0.8
    return x, labels


def small(preset="vae", **options):
    b = aae.Builder(preset).set(aae.Option.INPUT_WIDTH, WIDTH).set(aae.Option.Z_WIDTH, 2)
    for k, v in options.items():
        b.set(aae.Option[k.upper()], v)
    for part in aae.Part:
        b.clear_layers(part).add_layer(part, 32, aae.Activation.RELU)
    with b:
        return b.build()


def test_version_and_blas():
    assert re.match(r"\d+\.\d+\.\d+$", aae.version())
    assert aae.blas_info()


# The header's enums that have no Python mirror: option values passed as
# plain numbers (Builder.set), and the low-level network / dataset calls the
# package does not wrap. Any other enum must be mirrored in aae.enums.
UNMIRRORED_ENUMS = {"aae_mode", "aae_loss_kind", "aae_rec_loss_kind", "aae_posterior_kind",
                    "aae_z_regularizer_kind", "aae_supervision_kind", "aae_ownership",
                    "aae_schedule_kind"}


def test_enums_match_the_library():
    """Each IntEnum has exactly its C enum's members (the library's lookup,
    aae_enum_member / aae_enum_value), and every other C enum is listed as
    unmirrored."""
    from aae.enums import C_TYPE
    types = aae.enum_types()
    assert len(types) >= 20 and "aae_phase" in types
    assert set(C_TYPE.values()) | UNMIRRORED_ENUMS == set(types)
    assert not set(C_TYPE.values()) & UNMIRRORED_ENUMS
    for enum, c_type in C_TYPE.items():
        members = aae.enum_members(c_type)
        # Each Python name is one C member's name without the common prefix,
        # with its value; the names are distinct and as many as C's members,
        # so the two sets are the same.
        for m in enum:
            assert aae.enum_value(c_type, m.name) == m.value, f"{c_type}: {m.name}"
        assert len(enum.__members__) == len(members), f"{c_type}: {list(members)} vs {list(enum)}"
    assert aae.enum_value("aae_option", "z_width") == aae.Option.Z_WIDTH
    assert aae.enum_value("aae_decoder_input_kind", "AAE_DECODE_Z_LABEL") == aae.DecoderInput.Z_LABEL
    with pytest.raises(aae.Error, match="aae_option"):
        aae.enum_value("aae_option", "no_such")
    with pytest.raises(aae.Error, match="aae_nope"):
        aae.enum_members("aae_nope")


def test_max_milestones_matches_the_header():
    text = open(HEADER).read()
    assert int(re.search(r"#define AAE_MAX_MILESTONES (\d+)", text).group(1)) == aae.MAX_MILESTONES


def test_train_encode_save_load_round_trip(tmp_path):
    x, labels = blobs()
    model = small("aae")
    losses = model.train_step(x[:64])
    assert set(losses) >= {"rec", "disc_z", "gen_z"} and np.isfinite(losses["rec"])
    z = model.encode(x)
    assert z.shape == (128, 2) and z.dtype == np.float32
    path = tmp_path / "m.aae"
    model.save(path)
    with aae.Model.load(path) as again:
        np.testing.assert_array_equal(again.encode(x), z)
    with aae.Model.from_bytes(model.to_bytes()) as again:
        np.testing.assert_array_equal(again.encode(x), z)
        assert again.steps == model.steps == 1


def test_tensors_export_and_import():
    a, b = small(seed=1), small(seed=2)
    x, _ = blobs()
    assert not np.array_equal(a.encode(x), b.encode(x))
    t = a.tensors()
    assert "encoder.0.weight" in t and t["encoder.0.weight"].shape == (32, WIDTH)
    b.set_tensors(t)
    np.testing.assert_array_equal(a.encode(x), b.encode(x))
    with pytest.raises(KeyError):
        b.set_tensors({"nope.weight": np.zeros(3)})


def test_arrays_are_converted_by_rule():
    model = small()
    x, _ = blobs()
    z = model.encode(x)
    # Same rows, same shape: the same bits, whatever the input's layout.
    np.testing.assert_array_equal(model.encode(np.asfortranarray(x.astype(np.float64))), z)
    # 1-D is one row. A row alone matches the same row in a batch to the
    # library's stated tolerance, not bit for bit (docs/design.md).
    one = model.encode(x[3])
    assert one.shape == (1, z.shape[1])
    np.testing.assert_allclose(one, z[3:4], rtol=1e-5, atol=1e-5)
    strided = np.zeros((128, 2 * WIDTH), np.float32)
    strided[:, ::2] = x
    np.testing.assert_array_equal(model.encode(strided[:, ::2]), z)
    with pytest.raises(ValueError, match="columns"):
        model.encode(np.zeros((2, WIDTH + 1)))


def test_errors_are_exceptions_with_the_library_message():
    with pytest.raises(aae.Error) as e:
        aae.Builder("aae").set(aae.Option.Z_WIDTH, -3)
    assert e.value.status == aae.Status.ERR_INVALID_ARGUMENT
    assert "Z_WIDTH" in e.value.message
    model = small()
    with pytest.raises(aae.Error) as e:
        model.classify(blobs()[0])  # a VAE has no y head
    assert "y head" in str(e.value)
    with pytest.raises(aae.Error) as e:
        aae.Model.from_bytes(b"not a model")
    assert e.value.status == aae.Status.ERR_FORMAT


def test_trainer_callbacks_report_stop_and_raise():
    x, labels = blobs(256)
    model, train = small(), aae.Dataset.from_array(x, labels)
    seen = []
    t = aae.Trainer(epochs=3, batch_size=32)
    assert t.fit(model, train, eval=train, on_epoch=lambda e, l, m, r: seen.append((e, l["rec"], m["mse"])))
    assert [s[0] for s in seen] == [0, 1, 2] and seen[-1][1] < seen[0][1]
    assert not t.fit(model, train, on_batch=lambda e, b, n, l, r: b == 2)  # stopped
    steps = model.steps

    def boom(*args):
        raise RuntimeError("from the callback")
    with pytest.raises(RuntimeError, match="from the callback"):
        t.fit(model, train, on_batch=boom)
    assert model.steps == steps + 1  # the batch before the callback was kept
    assert np.isfinite(model.encode(x)).all()


def test_semi_supervised_model_classifies():
    x, labels = blobs(256)
    model = small("semi_supervised_aae", classes=CLASSES)
    train = aae.Dataset.from_array(x, labels)
    labelled = train.keep_labels(16, seed=1)
    aae.Trainer(epochs=40, batch_size=32).fit(model, labelled, labelled=labelled)
    cls, probs = model.classify(x)
    assert probs.shape == (256, CLASSES)
    log_probs = model.class_log_probs(x)
    assert (log_probs.argmax(1) == cls).all()
    assert np.allclose(np.exp(log_probs), probs, atol=1e-6)
    assert model.evaluate(train)["class_error"] < 0.2
    assert (cls == labels).mean() > 0.8


def test_split_holds_out_rows_and_keeps_the_rest_in_order():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    with aae.Dataset.from_array(x, labels=np.arange(10)) as ds:
        train, valid = ds.split(3, seed=5)
        with train, valid:
            assert len(train) == 7 and len(valid) == 3
            t, tl = train.rows(range(7))
            v, vl = valid.rows(range(3))
            assert sorted(tl.tolist() + vl.tolist()) == list(range(10))  # a partition
            assert tl.tolist() == sorted(tl.tolist())  # the rest in order
            np.testing.assert_array_equal(t, x[tl])
            np.testing.assert_array_equal(v, x[vl])
            again = ds.split(3, seed=5)[1]
            assert again.rows(range(3))[1].tolist() == vl.tolist()  # by seed
        with pytest.raises(aae.Error):
            ds.split(11)
        assert len(ds) == 10


def test_nonfinite_rows_refused_or_skipped():
    x = np.array([[1, 2], [np.nan, 4], [5, 6]], np.float32)
    with pytest.raises(aae.Error, match="row 1"):
        aae.Dataset.from_array(x)
    with aae.Dataset.from_array(x, labels=[0, 1, 2], skip_nonfinite=True) as ds:
        rows, labels = ds.rows([0, 1])
        assert len(ds) == 2 and rows.tolist() == [[1, 2], [5, 6]] and labels.tolist() == [0, 2]


def test_closing_twice_and_use_after_close():
    model = small()
    model.close()
    model.close()
    with pytest.raises(ValueError, match="closed"):
        model.encode(np.zeros(WIDTH))
    with aae.Dataset.from_array(np.zeros((4, 3))) as ds:
        assert ds.shape == (4, 3) and len(ds) == 4 and not ds.has_labels
    with pytest.raises(ValueError):
        len(ds)


def test_vae_features_example_runs(tmp_path):
    """The example end to end on a tiny MNIST-shaped IDX set of blobs."""
    import importlib.util
    import struct
    x, labels = blobs(200)
    img = np.kron(x.reshape(200, 4, 4), np.ones((7, 7), np.float32)).reshape(200, 784)
    for prefix in ("train", "t10k"):
        with open(tmp_path / f"{prefix}-images-idx3-ubyte", "wb") as f:
            f.write(struct.pack(">IIII", 0x803, 200, 28, 28) + (img * 255).astype(np.uint8).tobytes())
        with open(tmp_path / f"{prefix}-labels-idx1-ubyte", "wb") as f:
            f.write(struct.pack(">II", 0x801, 200) + labels.astype(np.uint8).tobytes())
    path = os.path.join(os.path.dirname(__file__), "..", "examples", "vae_features.py")
    spec = importlib.util.spec_from_file_location("vae_features", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    assert example.main(["--data", str(tmp_path), "--epochs", "2"]) > 0.9


def test_a_handle_in_use_by_a_callback_refuses_to_close():
    x, labels = blobs(256)
    model, train = small(), aae.Dataset.from_array(x, labels)
    trainer = aae.Trainer(epochs=1, batch_size=32)
    for handle in (train, model, trainer):
        with pytest.raises(RuntimeError, match="in use"):
            trainer.fit(model, train, on_batch=lambda *args, h=handle: h.close())
    assert len(train) == 256 and model.steps == 3  # nothing was freed: one batch per fit
    assert np.isfinite(model.encode(x)).all()
    for handle in (train, model, trainer):
        handle.close()  # after the calls, closing frees
    with pytest.raises(ValueError, match="closed"):
        len(train)


def test_a_handle_in_use_by_another_thread_refuses_to_close():
    import threading
    x, labels = blobs(256)
    model, train = small(), aae.Dataset.from_array(x, labels)
    inside, release = threading.Event(), threading.Event()

    def hold(*args):
        inside.set()
        return not release.wait(30)
    worker = threading.Thread(target=aae.Trainer(epochs=1, batch_size=64).fit, args=(model, train),
                              kwargs={"on_batch": hold})
    worker.start()
    try:
        assert inside.wait(30)
        for handle in (model, train):
            with pytest.raises(RuntimeError, match="in use"):
                handle.close()
    finally:
        release.set()
        worker.join()
    assert model.steps == 4 and len(train) == 256


def test_a_model_closed_while_another_thread_encodes_is_never_freed_mid_call():
    import threading
    model = small()
    x = np.tile(blobs(256)[0], (16, 1))
    errors, started = [], threading.Event()

    def encode_until_closed():
        try:
            while True:
                model.encode(x)
                started.set()
        except ValueError as e:  # closed between two calls
            errors.append(e)
    worker = threading.Thread(target=encode_until_closed)
    worker.start()
    assert started.wait(30)
    while worker.is_alive():
        try:
            model.close()
        except RuntimeError as e:  # refused during a call
            assert "in use" in str(e)
    worker.join()
    assert errors and "closed" in str(errors[0])


def test_labels_tensors_and_paths_are_not_coerced(tmp_path):
    x, _ = blobs(4)
    with pytest.raises(ValueError, match="int32"):
        aae.Dataset.from_array(x, labels=[0, 1, 2**32 + 1, 1])
    with pytest.raises(ValueError, match="int32"):
        aae.Dataset.from_array(x, labels=np.array([0, 1, -2**40, 1]))
    with pytest.raises(ValueError, match="int32"):
        aae.Dataset.from_array(x, labels=[0, 1, 2**64, 1])
    with pytest.raises(TypeError, match="integers"):
        aae.Dataset.from_array(x, labels=[0, 1, 1.9, 1])
    with pytest.raises(TypeError, match="integers"):
        aae.Dataset.from_array(x, labels=np.array([0.0, 1.0, 1.0, 1.0]))
    with aae.Dataset.from_array(x, labels=np.array([0, 1, 2**31 - 1, 1], np.uint64)) as ds:
        assert ds.rows([2])[1].tolist() == [2**31 - 1]
        with pytest.raises(aae.Error, match="class 2 has only 0 rows"):
            ds.keep_labels(1)
    model = small()
    before = model.tensors()
    w, b = before["encoder.0.weight"], before["encoder.0.bias"]
    assert w.shape == (32, WIDTH)
    for wrong in (w.T, w.reshape(-1), w[None]):
        with pytest.raises(ValueError, match="shape"):
            model.set_tensors({"encoder.0.bias": b + 1, "encoder.0.weight": wrong})
    after = model.tensors()
    assert all(np.array_equal(before[k], after[k]) for k in before)  # nothing written
    model.set_tensors({"encoder.0.bias": (b + 1).reshape(-1)})  # PyTorch's 1-D bias
    np.testing.assert_array_equal(model.tensors()["encoder.0.bias"], b + 1)
    with pytest.raises(ValueError, match="null"):
        model.save(str(tmp_path / "x.aae") + "\0.evil")
    assert not os.listdir(tmp_path)
    with pytest.raises(ValueError, match="null"):
        aae.Model.load(str(tmp_path / "x.aae") + "\0")
    with pytest.raises(ValueError, match="null"):
        aae.Dataset.load_idx("images\0", None)
    with pytest.raises(ValueError, match="null"):
        aae.Dataset.load_idx("images", "labels\0")


def test_builder_getters_read_back_what_was_set():
    b = aae.Builder("aae")
    b.clear_layers(aae.Part.ENCODER).add_layer(aae.Part.ENCODER, 24, aae.Activation.LEAKY_RELU,
                                                slope=0.25, batchnorm=True, dropout=0.5)
    assert b.layers(aae.Part.ENCODER) == [{"width": 24, "activation": aae.Activation.LEAKY_RELU,
                                           "slope": 0.25, "batchnorm": True, "dropout": 0.5}]
    assert b.layers(aae.Part.CLASSIFIER) == []  # the preset's AAE has no classifier
    b.set_optimizer(aae.Part.DECODER, aae.OptimizerKind.SGD, lr=0.5, momentum=0.9)
    kind, params = b.optimizer(aae.Part.DECODER)
    assert kind == aae.OptimizerKind.SGD
    assert params == {"lr": 0.5, "momentum": 0.9, "dampening": 0.0, "nesterov": 0.0,
                      "weight_decay": 0.0}
    kind, params = b.optimizer(aae.Part.ENCODER)
    assert kind == aae.OptimizerKind.ADAM
    assert set(params) == {"lr", "weight_decay", "beta1", "beta2", "eps"}
    for option, value in ((aae.Option.INPUT_NOISE, 0.3), (aae.Option.INPUT_DROPOUT, 0.2),
                          (aae.Option.HEAD_BATCHNORM, 1), (aae.Option.INIT_STD, 0.01),
                          (aae.Option.Z_DISC_SEES_Y, 1)):
        assert b.set(option, value).get(option) == value


def test_builder_getters_refuse_an_unknown_part():
    b = aae.Builder("aae")
    layers, optimizer = b.layers(aae.Part.ENCODER), b.optimizer(aae.Part.ENCODER)
    for read in (b.layers, b.optimizer):
        for part in (99, -1):
            with pytest.raises(aae.Error, match=f"part {part} is not an aae_part") as e:
                read(part)
            assert e.value.status == aae.Status.ERR_INVALID_ARGUMENT
    assert b.layers(aae.Part.ENCODER) == layers and b.optimizer(aae.Part.ENCODER) == optimizer


def test_phase_optimizers_and_milestones_survive_save_and_load(tmp_path):
    P = aae.Phase
    b = aae.Builder("semi_supervised_aae").set(aae.Option.INPUT_WIDTH, WIDTH)
    b.set(aae.Option.CLASSES, CLASSES)
    for part in aae.Part:
        if b.layers(part):
            b.clear_layers(part).add_layer(part, 32, aae.Activation.RELU)
    # The preset is the paper's recipe: one SGD per phase, x0.1 at 50 and 1000.
    kind, params = b.phase_optimizer(P.GENERATOR)
    assert kind == aae.OptimizerKind.SGD and params["lr"] == 0.1 and params["momentum"] == 0.1
    assert b.phase_milestones(P.GENERATOR) == ([50, 1000], 0.1)
    b.set_phase_optimizer(P.GENERATOR, aae.OptimizerKind.PART)
    b.set_phase_milestones(P.GENERATOR, [])
    assert b.phase_optimizer(P.GENERATOR) == (aae.OptimizerKind.PART, {})
    assert b.phase_milestones(P.GENERATOR) == ([], 0.1)
    # A setting needs the phase's own optimizer first.
    with pytest.raises(aae.Error, match="AAE_PHASE_GENERATOR"):
        b.set_phase_optimizer(P.GENERATOR, aae.OptimizerKind.PART, lr=0.1)
    b.set_phase_optimizer(P.RECONSTRUCTION, aae.OptimizerKind.SGD, lr=0.01, momentum=0.9)
    b.set_phase_optimizer(P.Z_DISCRIMINATOR, aae.OptimizerKind.ADAM, beta1=0.5)
    b.set_phase_milestones(P.SEMI_SUPERVISED, [50, 1000], gamma=0.2)
    b.set_phase_milestones(P.RECONSTRUCTION, [3])
    with pytest.raises(aae.Error, match="milestone"):
        b.set_phase_milestones(P.GENERATOR, [5, 5])
    with pytest.raises(aae.Error, match="at most"):
        b.set_phase_milestones(P.GENERATOR, range(1, aae.MAX_MILESTONES + 2))
    with pytest.raises(TypeError, match="integers"):
        b.set_phase_milestones(P.GENERATOR, [1.5])
    with pytest.raises(ValueError, match="outside"):
        b.set_phase_milestones(P.GENERATOR, [-1])
    assert b.phase_milestones(P.GENERATOR) == ([], 0.1)  # refused calls changed nothing
    model = b.build()
    x, labels = blobs()
    model.train_step(x[:32], labels[:32], xl=x[:8], yl=labels[:8])
    path = tmp_path / "phases.aae"
    model.save(path)
    for m in (model, aae.Model.load(path)):
        with aae.Builder.from_model(m) as c:
            kind, params = c.phase_optimizer(P.RECONSTRUCTION)
            assert kind == aae.OptimizerKind.SGD and params["lr"] == 0.01
            assert params["momentum"] == 0.9
            kind, params = c.phase_optimizer(P.Z_DISCRIMINATOR)
            assert kind == aae.OptimizerKind.ADAM and params["beta1"] == 0.5
            assert c.phase_optimizer(P.GENERATOR) == (aae.OptimizerKind.PART, {})
            assert c.phase_milestones(P.SEMI_SUPERVISED) == ([50, 1000], 0.2)
            assert c.phase_milestones(P.RECONSTRUCTION) == ([3], 0.1)
            assert c.get(aae.Option.CLASSES) == CLASSES
            assert c.layers(aae.Part.ENCODER)[0]["width"] == 32
            with c.build() as copy:  # the options build the same model again
                assert {k: v.shape for k, v in copy.tensors().items()} == \
                    {k: v.shape for k, v in m.tensors().items()}
    # A phase the model lacks refuses its own optimizer at build.
    vae = aae.Builder("vae").set_phase_optimizer(P.Z_DISCRIMINATOR, aae.OptimizerKind.SGD)
    with pytest.raises(aae.Error, match="no such phase"):
        vae.build()


@pytest.mark.parametrize("threads", [1, 2])
def test_lr_callback_runs_once_per_epoch_and_phase(threads):
    import threading
    x, labels = blobs(256)
    model = small("semi_supervised_aae", classes=CLASSES)
    train = aae.Dataset.from_array(x, labels)
    before = model.tensors()
    calls, caller = [], threading.get_ident()

    def lr(epoch, phase):
        calls.append((epoch, phase))
        assert threading.get_ident() == caller  # on the thread that called fit
        return 0.0 if phase == aae.Phase.Z_DISCRIMINATOR else 1.0
    trainer = aae.Trainer(epochs=2, batch_size=32, threads=threads)
    assert trainer.fit(model, train, labelled=train, lr_callback=lr)
    assert calls == [(e, p) for e in (0, 1) for p in aae.Phase]  # all five phases, in order
    assert all(isinstance(p, aae.Phase) for _, p in calls)
    after = model.tensors()
    zd = [k for k in before if k.startswith("z_discriminator")]
    yd = [k for k in before if k.startswith("y_discriminator")]
    assert zd and yd
    for k in zd:  # factor 0: the z discriminator never moved
        np.testing.assert_array_equal(before[k], after[k], err_msg=k)
    assert any(not np.array_equal(before[k], after[k]) for k in yd)


def test_lr_callback_errors_stop_training_without_a_crash():
    x, labels = blobs(256)
    model = small("aae")
    train = aae.Dataset.from_array(x, labels)
    t = aae.Trainer(epochs=2, batch_size=32)
    before = model.to_bytes()

    def boom(epoch, phase):
        if phase == aae.Phase.Z_DISCRIMINATOR:
            raise KeyError("from the lr callback")
        return 1.0
    with pytest.raises(KeyError, match="from the lr callback"):
        t.fit(model, train, lr_callback=boom)
    assert model.to_bytes() == before and model.steps == 0  # refused before the first batch
    with pytest.raises(aae.Error, match="learning-rate callback") as e:
        t.fit(model, train, lr_callback=lambda epoch, phase: -1.0)
    assert e.value.status == aae.Status.ERR_INVALID_ARGUMENT
    with pytest.raises(TypeError, match="must return a number"):
        t.fit(model, train, lr_callback=lambda epoch, phase: "0.5")
    assert model.steps == 0
    seen = []
    assert t.fit(model, train, lr_callback=lambda epoch, phase: seen.append(phase) or 0.5)
    # The AAE preset's generator terms join the reconstruction: two phases.
    assert seen == [aae.Phase.RECONSTRUCTION, aae.Phase.Z_DISCRIMINATOR] * 2
    assert t.fit(model, train)  # and without: the callback is not kept
    assert len(seen) == 4 and model.steps == 2 * 2 * 8
