"""Data-parallel training through Trainer.set_parallel without MPI: two
"processes" are two threads, each with its own model and trainer, joined by
an in-memory allreduce and broadcast (as the C suite's test/test_parallel.c)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import aae
from test_aae import WIDTH, blobs

ROWS, BATCH, EPOCHS = 64, 8, 2


class Group:
    """What the members of one group share: a barrier, each member's
    allreduce contribution and rank 0's broadcast bytes."""

    def __init__(self, size):
        self.size = size
        self.barrier = threading.Barrier(size, timeout=60)
        self.slots = [None] * size
        self.root = None

    def member(self, rank):
        return Member(self, rank)


class Member:
    def __init__(self, group, rank):
        self.group, self.rank = group, rank
        self.kinds, self.broadcasts = [], 0

    def allreduce(self, kind, data):
        self.kinds.append(kind)
        g = self.group
        g.slots[self.rank] = data.copy()
        g.barrier.wait()
        # Every member adds the contributions in rank order: identical sums.
        total = np.zeros_like(data)
        for r in range(g.size):
            assert g.slots[r].shape == data.shape, kind
            total += g.slots[r]
        g.barrier.wait()  # everyone has read every contribution
        data[:] = total

    def broadcast(self, data):
        self.broadcasts += 1
        g = self.group
        if self.rank == 0:
            g.root = data.copy()
        g.barrier.wait()
        if self.rank != 0:
            data[:] = g.root
        g.barrier.wait()


def model():
    """An AAE with batch norm in the encoder, dropout in the decoder and
    noise on the discriminator's input; SGD everywhere keeps the comparison
    with one process tight (Adam amplifies rounding in tiny gradients)."""
    P, A = aae.Part, aae.Activation
    b = (aae.Builder("aae").set(aae.Option.INPUT_WIDTH, WIDTH).set(aae.Option.Z_WIDTH, 2)
         .set(aae.Option.DISC_NOISE, 0.3).set(aae.Option.JOINT_GENERATOR, 0).set(aae.Option.SEED, 3))
    b.clear_layers(P.ENCODER).add_layer(P.ENCODER, 32, A.LEAKY_RELU, 0.2, batchnorm=True)
    b.add_layer(P.ENCODER, 24, A.RELU, batchnorm=True)
    b.clear_layers(P.DECODER).add_layer(P.DECODER, 32, A.RELU, dropout=0.25)
    b.clear_layers(P.Z_DISCRIMINATOR).add_layer(P.Z_DISCRIMINATOR, 32, A.RELU)
    for part in P:
        b.set_optimizer(part, aae.OptimizerKind.SGD, lr=0.05, momentum=0.9)
    with b:
        return b.build()


def train(data, member=None):
    """A model trained alone or as `member`; returns it and the last batch's losses."""
    m, last = model(), {}
    with aae.Trainer(epochs=EPOCHS, batch_size=BATCH, seed=5) as t:
        if member is not None:
            assert t.set_parallel(member.rank, member.group.size, member.allreduce,
                                  member.broadcast) is t
        t.fit(m, data, on_batch=lambda e, b, n, losses, r: last.update(losses))
    return m, last


def test_two_threads_train_the_model_one_process_trains():
    x, labels = blobs(ROWS, seed=11)
    data = aae.Dataset.from_array(x, labels)
    alone, alone_losses = train(data)
    before = model().tensors()
    assert max(np.abs(v - before[k]).max() for k, v in alone.tensors().items()) > 1e-2

    group = Group(2)
    members = [group.member(r) for r in range(2)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda me: train(data, me), members))

    steps = EPOCHS * ROWS // BATCH
    expected = alone.tensors()
    for (m, losses), me in zip(results, members):
        assert m.steps == steps
        assert me.broadcasts >= EPOCHS
        # AAE: reconstruction, discriminator and generator phases.
        assert me.kinds.count(aae.ReduceKind.GRADIENTS) == 3 * steps
        assert {aae.ReduceKind.BATCH_STATS, aae.ReduceKind.LOSSES, aae.ReduceKind.STATUS} <= set(me.kinds)
        assert all(isinstance(k, aae.ReduceKind) for k in me.kinds)
        for name, value in m.tensors().items():
            np.testing.assert_allclose(value, expected[name], rtol=1e-4, atol=1e-4, err_msg=name)
        # The callbacks see the global losses.
        for k in ("rec", "disc_z", "gen_z"):
            assert losses[k] == pytest.approx(alone_losses[k], rel=1e-4, abs=1e-4), k
    # The ranks hold the same model: the same reductions reached both.
    t0, t1 = results[0][0].tensors(), results[1][0].tensors()
    for name in t0:
        np.testing.assert_array_equal(t0[name], t1[name], err_msg=name)
    assert results[0][1] == results[1][1]
    assert members[0].kinds == members[1].kinds


def test_a_raising_hook_stops_training_and_is_reraised():
    x, _ = blobs(ROWS, seed=11)
    data = aae.Dataset.from_array(x)
    m = model()

    def broken(data):
        raise ConnectionError("link down")
    t = aae.Trainer(epochs=1, batch_size=BATCH)
    # One member of a group of two: the first broadcast fails.
    t.set_parallel(0, 2, lambda kind, data: None, broken)
    with pytest.raises(ConnectionError, match="link down"):
        t.fit(m, data)
    assert m.steps == 0

    def refuses(data):
        raise aae.Error(aae.Status.ERR_IO, "no peer")
    t.set_parallel(0, 2, lambda kind, data: None, refuses)
    with pytest.raises(aae.Error, match="no peer"):
        t.fit(m, data)

    # Switched off, the same trainer and model train alone.
    t.set_parallel(0, 1)
    assert t.fit(m, data)
    assert m.steps == ROWS // BATCH


def test_set_parallel_checks_its_arguments():
    t = aae.Trainer()
    hooks = (lambda kind, data: None, lambda data: None)
    for rank, size in [(2, 2), (5, 2), (0, 0)]:
        with pytest.raises(aae.Error) as e:
            t.set_parallel(rank, size, *hooks)
        assert e.value.status == aae.Status.ERR_INVALID_ARGUMENT
        assert "aae_trainer_set_parallel" in e.value.message
    with pytest.raises(aae.Error, match="hook"):
        t.set_parallel(0, 2)  # more than one process needs both hooks
    with pytest.raises(aae.Error):
        t.set_parallel(0, 2, hooks[0])
    with pytest.raises(ValueError):
        t.set_parallel(-1, 2, *hooks)
