"""The paper's semi-supervised training step (AAE_PRESET_SEMI_SUPERVISED_AAE:
input noise, per-phase SGD with momentum, adversarial priors on z and y, the
cross-entropy phase) is PyTorch's, step for step: the same weights, batches
and random draws give the same losses and parameters to float32 rounding.

The draws are libaae's, recomputed here: every random number is a pure
function of (seed, stream, step, row) (src/core/rng.h), so the test feeds
PyTorch the very prior samples and input noise libaae drew. It pins those
keys: a change to how the library keys its draws must change this file too.
"""
import numpy as np
import pytest

import aae

torch = pytest.importorskip("torch", reason="PyTorch is not installed: no step to compare")
nn, F = torch.nn, torch.nn.functional

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
STREAM_INIT, STREAM_PRIOR, STREAM_INPUT_NOISE = 1, 4, 6  # core/rng.h
SUB_ZPRIOR, SUB_YPRIOR = 2, 3                           # model/train_step.c
ENCODE_RECONSTRUCTION, ENCODE_REGULARIZATION, ENCODE_LABELLED = 0, 1, 2
CORRUPTION_PART = 5                                     # the corruption net's seed slot

WIDTH, HIDDEN, Z, K, DHIDDEN, BATCH, LABELLED, NOISE = 12, 16, 4, 3, 8, 10, 6, 0.3


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Rng:
    """aaei_rng: keyed splitmix64."""

    def __init__(self, seed, stream, step, row):
        h = mix((seed + GOLDEN) & M64)
        for i, part in enumerate((stream, step, row), start=2):
            h = mix(h ^ ((part + i * GOLDEN) & M64))
        self.state = h

    def u64(self):
        self.state = (self.state + GOLDEN) & M64
        return mix(self.state)

    def box_muller(self):
        u1 = ((self.u64() >> 11) + 1.0) / 9007199254740992.0
        u2 = (self.u64() >> 11) / 9007199254740992.0
        return np.sqrt(-2.0 * np.log(u1)), 6.283185307179586 * u2

    def normal(self):
        radius, angle = self.box_muller()
        return np.float32(radius * np.cos(angle))

    def normals(self, n):
        """aaei_rng_normals: two per draw, its cosine then its sine."""
        out = []
        while len(out) + 2 <= n:
            radius, angle = self.box_muller()
            out += [np.float32(radius * np.cos(angle)), np.float32(radius * np.sin(angle))]
        return out + [self.normal()] if len(out) < n else out

    def below(self, n):
        limit = M64 - M64 % n
        while True:
            x = self.u64()
            if x < limit:
                return x % n


def normals(seed, stream, step, rows, width, row_base=0, pairs=False):
    out = np.empty((rows, width), np.float32)
    for r in range(rows):
        g = Rng(seed, stream, step, row_base + r)
        out[r] = g.normals(width) if pairs else [g.normal() for _ in range(width)]
    return out


def one_hots(seed, stream, step, rows, k):
    out = np.zeros((rows, k), np.float32)
    for r in range(rows):
        out[r, Rng(seed, stream, step, r).below(k)] = 1.0
    return out


def small_semi_supervised():
    b = aae.Builder(aae.Preset.SEMI_SUPERVISED_AAE)
    b.set(aae.Option.INPUT_WIDTH, WIDTH).set(aae.Option.Z_WIDTH, Z).set(aae.Option.CLASSES, K)
    b.set(aae.Option.INPUT_NOISE, NOISE).set(aae.Option.INIT_STD, 0.3).set(aae.Option.SEED, 7)
    for part, width in ((aae.Part.ENCODER, HIDDEN), (aae.Part.DECODER, HIDDEN),
                        (aae.Part.Z_DISCRIMINATOR, DHIDDEN), (aae.Part.Y_DISCRIMINATOR, DHIDDEN)):
        b.clear_layers(part)
        b.add_layer(part, width, aae.Activation.RELU)
        b.add_layer(part, width, aae.Activation.RELU)
    return b.build()


def mlp(i, h, o):
    return nn.Sequential(nn.Linear(i, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, o))


class TorchTwin:
    """The paper's step in PyTorch, as bench/torch_paper.py trains it, with
    libaae's draws passed in."""

    def __init__(self, model):
        self.seed = int(model.get(aae.Option.SEED))
        self.corruption_seed = Rng(self.seed, STREAM_INIT, 1000 + CORRUPTION_PART, 0).u64()
        self.nets = nn.ModuleDict({"encoder": mlp(WIDTH, HIDDEN, Z + K), "decoder": mlp(Z + K, HIDDEN, WIDTH),
                                   "z_discriminator": mlp(Z, DHIDDEN, 1), "y_discriminator": mlp(K, DHIDDEN, 1)})
        self.nets.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in model.state_dict().items()})
        enc, dec = self.nets["encoder"], self.nets["decoder"]

        def sgd(params, lr, momentum):
            return torch.optim.SGD(list(params), lr=lr, momentum=momentum)
        self.opt = {"rec": sgd(list(enc.parameters()) + list(dec.parameters()), 0.01, 0.9),
                    "gen": sgd(enc.parameters(), 0.1, 0.1), "semi": sgd(enc.parameters(), 0.1, 0.9),
                    "z_discriminator": sgd(self.nets["z_discriminator"].parameters(), 0.1, 0.1),
                    "y_discriminator": sgd(self.nets["y_discriminator"].parameters(), 0.1, 0.1)}

    def noisy(self, x, step, encoding):
        n = normals(self.corruption_seed, STREAM_INPUT_NOISE, step, x.shape[0], x.shape[1], encoding << 40, pairs=True)
        return x + torch.from_numpy(np.float32(NOISE) * n)

    def encode(self, x, step, encoding):
        e = self.nets["encoder"](self.noisy(x, step, encoding))
        return e[:, :Z], e[:, Z:]

    def step(self, x, xl, yl, step):
        x, xl, yl = torch.from_numpy(x), torch.from_numpy(xl), torch.from_numpy(yl).long()
        ones, zeros = torch.ones(len(x), 1), torch.zeros(len(x), 1)
        z, logits = self.encode(x, step, ENCODE_RECONSTRUCTION)
        xhat = torch.sigmoid(self.nets["decoder"](torch.cat([z, F.softmax(logits, 1)], 1)))
        rec = 0.5 * ((xhat - x) ** 2).sum(1).mean()
        self.opt["rec"].zero_grad()
        rec.backward()
        self.opt["rec"].step()

        z, logits = self.encode(x, step, ENCODE_REGULARIZATION)
        y = F.softmax(logits, 1)
        priors = {"z_discriminator": normals(self.seed, STREAM_PRIOR + (SUB_ZPRIOR << 8), step, len(x), Z),
                  "y_discriminator": one_hots(self.seed, STREAM_PRIOR + (SUB_YPRIOR << 8), step, len(x), K)}
        losses = {"rec": 2.0 * rec.item()}  # libaae reports the unweighted sum
        for name, fake in (("z_discriminator", z), ("y_discriminator", y)):
            d = self.nets[name]
            real = torch.from_numpy(priors[name])
            loss = 2.0 * F.binary_cross_entropy_with_logits(d(torch.cat([real, fake.detach()])), torch.cat([ones, zeros]))
            self.opt[name].zero_grad()
            loss.backward()
            self.opt[name].step()
            losses["disc_" + name[0]] = loss.item()
        gen_z = F.binary_cross_entropy_with_logits(self.nets["z_discriminator"](z), ones)
        gen_y = F.binary_cross_entropy_with_logits(self.nets["y_discriminator"](y), ones)
        self.opt["gen"].zero_grad()
        (gen_z + gen_y).backward()
        self.opt["gen"].step()
        losses.update(gen_z=gen_z.item(), gen_y=gen_y.item())

        ce = F.cross_entropy(self.encode(xl, step, ENCODE_LABELLED)[1], yl)
        self.opt["semi"].zero_grad()
        ce.backward()
        self.opt["semi"].step()
        losses["ce"] = ce.item()
        return losses


def test_the_paper_semi_supervised_step_is_pytorchs():
    model = small_semi_supervised()
    twin = TorchTwin(model)
    rng = np.random.default_rng(0)
    for step in range(4):
        x = rng.random((BATCH, WIDTH), dtype=np.float32)
        xl = rng.random((LABELLED, WIDTH), dtype=np.float32)
        yl = rng.integers(0, K, LABELLED).astype(np.int32)
        ours = model.train_step(x, step=step, xl=xl, yl=yl)
        theirs = twin.step(x, xl, yl, step)
        for name, value in theirs.items():
            assert ours[name] == pytest.approx(value, rel=1e-4), f"step {step}: {name}"
        state = model.state_dict()
        for name, tensor in twin.nets.state_dict().items():
            np.testing.assert_allclose(np.asarray(state[name]), tensor.numpy(), rtol=1e-4, atol=1e-6,
                                       err_msg=f"step {step}: {name}")
