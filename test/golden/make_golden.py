#!/usr/bin/python3
"""Writes the PyTorch golden fixtures that test/test_golden.c compares against.

Run by hand (not in CI) with Debian's PyTorch:
    apt-get install python3-torch && /usr/bin/python3 test/golden/make_golden.py
Each fixture file is plain text: a line "name count" then count floats.
Parameters use libaae's layout: Linear weight [out x in] row-major, then bias;
BatchNorm gamma then beta.
"""
import os
import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float32)
HERE = os.path.dirname(os.path.abspath(__file__))


def write(path, items):
    with open(os.path.join(HERE, path), "w") as f:
        for name, t in items:
            flat = t.detach().reshape(-1).tolist()
            f.write("%s %d\n" % (name, len(flat)))
            f.write(" ".join(repr(float(v)) for v in flat) + "\n")


def stack():
    """Linear(5,7) -> BatchNorm1d(7) -> LeakyReLU(0.2) -> Linear(7,3) -> Tanh."""
    net = torch.nn.Sequential(
        torch.nn.Linear(5, 7), torch.nn.BatchNorm1d(7), torch.nn.LeakyReLU(0.2),
        torch.nn.Linear(7, 3), torch.nn.Tanh())
    with torch.no_grad():  # non-trivial gamma/beta
        net[1].weight.uniform_(0.5, 1.5)
        net[1].bias.uniform_(-0.5, 0.5)
    params = torch.cat([net[0].weight.reshape(-1), net[0].bias, net[1].weight, net[1].bias,
                        net[3].weight.reshape(-1), net[3].bias]).detach().clone()
    x = torch.randn(6, 5, requires_grad=True)
    r = torch.randn(6, 3)
    net.train()
    y = net(x)
    (y * r).sum().backward()
    grads = torch.cat([net[0].weight.grad.reshape(-1), net[0].bias.grad, net[1].weight.grad,
                       net[1].bias.grad, net[3].weight.grad.reshape(-1), net[3].bias.grad])
    net.eval()
    with torch.no_grad():
        y_eval = net(x)
    write("stack.txt", [("params", params), ("x", x), ("r", r), ("y_train", y),
                        ("grads", grads), ("dx", x.grad),
                        ("running_mean", net[1].running_mean), ("running_var", net[1].running_var),
                        ("y_eval", y_eval)])


def losses():
    items = []
    p = torch.randn(4, 5, requires_grad=True)
    t = torch.randn(4, 5)
    for name, fn in (("mse", torch.nn.MSELoss()), ("l1", torch.nn.L1Loss())):
        p.grad = None
        loss = fn(p, t)
        loss.backward()
        items += [(name + "_p", p), (name + "_t", t), (name + "_loss", loss.reshape(1)),
                  (name + "_grad", p.grad)]
    q = torch.rand(4, 5).mul(0.9).add(0.05).requires_grad_()
    tq = torch.rand(4, 5)
    loss = torch.nn.BCELoss()(q, tq)
    loss.backward()
    items += [("bce_p", q), ("bce_t", tq), ("bce_loss", loss.reshape(1)), ("bce_grad", q.grad)]
    z = torch.randn(4, 5).mul(3)
    z[0, 0], z[1, 1], z[2, 2] = 30.0, -30.0, 80.0
    z.requires_grad_()
    loss = torch.nn.BCEWithLogitsLoss()(z, tq)
    loss.backward()
    items += [("bcel_p", z), ("bcel_t", tq), ("bcel_loss", loss.reshape(1)), ("bcel_grad", z.grad)]
    logits = torch.randn(6, 4, requires_grad=True)
    labels = torch.tensor([2, -1, 0, 3, -1, 1])
    loss = torch.nn.CrossEntropyLoss(ignore_index=-1)(logits, labels)
    loss.backward()
    items += [("ce_logits", logits), ("ce_labels", labels.float()), ("ce_loss", loss.reshape(1)),
              ("ce_grad", logits.grad)]
    mu = torch.randn(3, 4, requires_grad=True)
    lv = torch.randn(3, 4).mul(0.5).requires_grad_()
    kl = (-0.5 * (1 + lv - mu.pow(2) - lv.exp())).sum() / mu.shape[0]
    kl.backward()
    items += [("kl_mu", mu), ("kl_logvar", lv), ("kl_loss", kl.reshape(1)),
              ("kl_dmu", mu.grad), ("kl_dlogvar", lv.grad)]
    write("losses.txt", items)


def optimizers():
    items = []
    p0 = torch.randn(10)
    grads = torch.randn(5, 10)
    configs = (
        ("sgd_momentum", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1)),
        ("sgd_nesterov", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                                    weight_decay=0.01)),
        ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.5, 0.999))),
        ("adam_wd", lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1)),
    )
    items += [("p0", p0), ("grads", grads)]
    for name, make in configs:
        p = torch.nn.Parameter(p0.clone())
        opt = make([p])
        after = []
        for s in range(5):
            p.grad = grads[s].clone()
            opt.step()
            after.append(p.detach().clone())
        items.append((name, torch.stack(after)))
    write("optim.txt", items)


stack()
losses()
optimizers()


# ---- one full AAE training step (reconstruction, discriminator, generator) ----

M64 = (1 << 64) - 1
GOLDEN = 0x9e3779b97f4a7c15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)


class KeyedRng:
    """libaae's counter-keyed generator (src/core/rng.c), re-implemented so
    this script draws the same prior samples as the library."""

    def __init__(self, seed, stream, step, row):
        h = mix64((seed + GOLDEN) & M64)
        h = mix64(h ^ ((stream + GOLDEN * 2) & M64))
        h = mix64(h ^ ((step + GOLDEN * 3) & M64))
        self.state = mix64(h ^ ((row + GOLDEN * 4) & M64))

    def u64(self):
        self.state = (self.state + GOLDEN) & M64
        return mix64(self.state)

    def normal(self):
        import math
        u1 = ((self.u64() >> 11) + 1.0) * (1.0 / 9007199254740992.0)
        u2 = (self.u64() >> 11) * (1.0 / 9007199254740992.0)
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(6.283185307179586 * u2)


def aae_step():
    """The model test_golden.c builds: input 6, deterministic z of 2,
    encoder 6-8(BN, LeakyReLU 0.2)-2, decoder 2-8(LeakyReLU)-6 tanh,
    discriminator 2-8(LeakyReLU)-1, L1 reconstruction, paper phases, SGD
    lr 0.05 momentum 0.9 for every network, seed 3, step 5. (SGD, not Adam:
    the bias in front of a training-mode batch norm has a true gradient of
    zero, and Adam would scale both libraries' round-off there into steps of
    size lr. Adam itself is checked in optim.txt.)"""
    torch.manual_seed(1)
    rows, seed, step = 8, 3, 5
    w_rec, w_adv, w_disc = 0.999, 0.5, 1.0
    enc = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8),
                              torch.nn.LeakyReLU(0.2), torch.nn.Linear(8, 2))
    dec = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.LeakyReLU(0.2),
                              torch.nn.Linear(8, 6), torch.nn.Tanh())
    disc = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.LeakyReLU(0.2),
                               torch.nn.Linear(8, 1))
    with torch.no_grad():
        enc[1].weight.uniform_(0.5, 1.5)
        enc[1].bias.uniform_(-0.5, 0.5)
    parts = (("encoder", enc), ("decoder", dec), ("z_discriminator", disc))

    def tensors(prefix):
        out = []
        for name, net in parts:
            for key, t in net.state_dict().items():
                if key.endswith("num_batches_tracked"):
                    continue
                out.append(("%s.%s.%s" % (prefix, name, key), t.clone()))
        return out

    init = tensors("init")
    x = torch.rand(rows, 6) * 2 - 1
    # The library's Gaussian prior draw for this step: stream PRIOR (4) with
    # the z-prior salt (2) in its high bits, one generator per row.
    gens = [KeyedRng(seed, 4 + (2 << 8), step, r) for r in range(rows)]
    prior = torch.tensor([[g.normal() for _ in range(2)] for g in gens], dtype=torch.float32)
    sgd = dict(lr=0.05, momentum=0.9)
    opt_enc = torch.optim.SGD(enc.parameters(), **sgd)
    opt_dec = torch.optim.SGD(dec.parameters(), **sgd)
    opt_disc = torch.optim.SGD(disc.parameters(), **sgd)
    opt_gen = torch.optim.SGD(enc.parameters(), **sgd)
    bce = torch.nn.BCEWithLogitsLoss()
    enc.train(), dec.train(), disc.train()
    # 1. reconstruction
    rec = torch.nn.L1Loss()(dec(enc(x)), x)
    (w_rec * rec).backward()
    opt_enc.step(), opt_dec.step()
    for o in (opt_enc, opt_dec, opt_disc, opt_gen):
        o.zero_grad()
    # 2. discriminator on prior (1) and codes (0) in one batch
    z = enc(x)
    logits = disc(torch.cat([prior, z.detach()]))
    target = torch.cat([torch.ones(rows, 1), torch.zeros(rows, 1)])
    d_loss = w_disc * 2 * bce(logits, target)
    d_loss.backward()
    opt_disc.step()
    for o in (opt_enc, opt_dec, opt_disc, opt_gen):
        o.zero_grad()
    # 3. generator: the encoder, with its own optimizer state, fools D
    g_loss = bce(disc(z), torch.ones(rows, 1))
    (w_adv * g_loss).backward()
    opt_gen.step()
    write("aae_step.txt", init + [("x", x), ("prior", prior),
                                  ("loss_rec", rec.reshape(1)), ("loss_disc", d_loss.reshape(1)),
                                  ("loss_gen", g_loss.reshape(1))] + tensors("after"))


aae_step()
