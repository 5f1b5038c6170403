#!/usr/bin/env python3
"""PyTorch's side of `make bench`: the same three architectures as
bench/bench.c, timed the same way (median of windows of at least 0.25 s
after warm-up), printed as "torch.<key> <value>" lines. And the paper's
two recipes as libaae's presets run them (semi, cluster: the networks and
step of bench/torch_paper.py, --paper 1), batch 100 (semi: plus a labelled
batch of 100), training only, windows of at least one step, with the MNIST
epoch projected from the step rate; --epoch MNIST_DIR times one real epoch
of each instead.

    python3 bench/torch_bench.py [--threads 1] [--windows 5] [--arch NAME[,NAME...]] [--rss MNIST_DIR]
                                 [--epoch MNIST_DIR]
"""
import argparse
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def lrelu():
    return nn.LeakyReLU(0.2)


class AAE:
    """PyTorch-GAN's aae.py: the libaae AAE preset."""

    def __init__(self):
        self.enc = nn.Sequential(nn.Linear(784, 512), lrelu(), nn.Linear(512, 512), nn.BatchNorm1d(512), lrelu(),
                                 nn.Linear(512, 20))
        self.dec = nn.Sequential(nn.Linear(10, 512), lrelu(), nn.Linear(512, 512), nn.BatchNorm1d(512), lrelu(),
                                 nn.Linear(512, 784), nn.Tanh())
        self.disc = nn.Sequential(nn.Linear(10, 512), lrelu(), nn.Linear(512, 256), lrelu(), nn.Linear(256, 1))
        g = list(self.enc.parameters()) + list(self.dec.parameters())
        self.opt_g = torch.optim.Adam(g, lr=2e-4, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.disc.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def encode(self, x):
        return self.enc(x)[:, :10]

    def step(self, x, y):
        h = self.enc(x)
        mu, logvar = h[:, :10], h[:, 10:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        ones = torch.ones(x.shape[0], 1)
        g_loss = 0.001 * F.binary_cross_entropy_with_logits(self.disc(z), ones) + \
            0.999 * F.l1_loss(self.dec(z), x)
        self.opt_g.zero_grad()
        g_loss.backward()
        self.opt_g.step()
        real = torch.randn_like(mu)
        d_loss = 0.5 * (F.binary_cross_entropy_with_logits(self.disc(real), ones) +
                        F.binary_cross_entropy_with_logits(self.disc(z.detach()), torch.zeros_like(ones)))
        self.opt_d.zero_grad()
        d_loss.backward()
        self.opt_d.step()

    def modules(self):
        return [self.enc, self.dec, self.disc]


class AE:
    """784-1000-1000-2 ReLU, sigmoid output, MSE, Adam 1e-3."""

    def __init__(self):
        self.enc = nn.Sequential(nn.Linear(784, 1000), nn.ReLU(), nn.Linear(1000, 1000), nn.ReLU(),
                                 nn.Linear(1000, 2))
        self.dec = nn.Sequential(nn.Linear(2, 1000), nn.ReLU(), nn.Linear(1000, 1000), nn.ReLU(),
                                 nn.Linear(1000, 784), nn.Sigmoid())
        self.opt = torch.optim.Adam(list(self.enc.parameters()) + list(self.dec.parameters()), lr=1e-3)

    def encode(self, x):
        return self.enc(x)

    def step(self, x, y):
        loss = F.mse_loss(self.dec(self.enc(x)), x)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()

    def modules(self):
        return [self.enc, self.dec]


class VAEClassifier:
    """VAE 784-512-256 -> z 20; classifier 784-512-10 whose softmax joins z
    at the decoder 30-256-512-784; BCE (summed per image) + KL + CE."""

    def __init__(self):
        self.enc = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 40))
        self.cls = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
        self.dec = nn.Sequential(nn.Linear(30, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 784),
                                 nn.Sigmoid())
        params = [p for m in self.modules() for p in m.parameters()]
        self.opt = torch.optim.Adam(params, lr=1e-3)
        self.detach_y = False

    def encode(self, x):
        return self.enc(x)[:, :20]

    def step(self, x, y):
        h = self.enc(x)
        mu, logvar = h[:, :20], h[:, 20:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.cls(x)
        probs = F.softmax(logits, dim=1)
        if self.detach_y:  # the decoder's y carries no gradient to the classifier
            probs = probs.detach()
        x_hat = self.dec(torch.cat([z, probs], dim=1))
        rows = x.shape[0]
        bce = F.binary_cross_entropy(x_hat, x, reduction="sum") / rows
        kl = -0.5 * torch.sum(1 + logvar - mu * mu - logvar.exp()) / rows
        loss = bce + kl + F.cross_entropy(logits, y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()

    def modules(self):
        return [self.enc, self.cls, self.dec]


ARCHS = {"aae": AAE, "ae": AE, "vaecls": VAEClassifier}


def median_rate(fn, rows, windows, min_calls=5):
    rates = []
    i = 0
    for _ in range(windows):
        t0, n = time.perf_counter(), 0
        while True:
            fn(i)
            i += 1
            n += 1
            t = time.perf_counter()
            if t - t0 >= 0.25 and n >= min_calls:
                break
        rates.append(n * rows / (t - t0))
    return sorted(rates)[len(rates) // 2]


def bench(name, windows):
    torch.manual_seed(0)
    model = ARCHS[name]()
    lo = -1.0 if name == "aae" else 0.0
    x_all = torch.rand(1024, 784) * (1.0 - lo) + lo
    y_all = torch.arange(1024) % 10
    for rows in (64, 256):
        x, y = x_all[:rows], y_all[:rows]
        for m in model.modules():
            m.train()
        for _ in range(20):
            model.step(x, y)
        print(f"torch.{name}.train_b{rows} {median_rate(lambda i: model.step(x, y), rows, windows):.0f}")
    for m in model.modules():
        m.eval()
    with torch.no_grad():
        for rows in (1, 64, 1024):
            x = x_all[:rows]
            model.encode(x)
            print(f"torch.{name}.encode_b{rows} {median_rate(lambda i: model.encode(x), rows, windows):.0f}")
    sys.stdout.flush()


# The paper's recipes (bench/bench.c's semi and cluster): clusters K, and the
# training rows of an MNIST epoch as libaae's examples train them
# (semi_supervised_aae: all 60000; cluster_aae: 5000 held out).
PAPER_ARCHS = {"semi": (10, 60000), "cluster": (16, 55000)}
PAPER_BATCH = 100


def paper_model(name):
    # Imported here: torch_paper imports torch_train, which imports this module.
    from torch_paper import paper_recipe
    torch.manual_seed(0)
    return paper_recipe(name, PAPER_ARCHS[name][0])


def bench_paper(name, windows):
    from torch_paper import train_step
    m, opts = paper_model(name)
    x = torch.rand(PAPER_BATCH, 784)
    xl = yl = None
    if name == "semi":
        xl, yl = torch.rand(PAPER_BATCH, 784), torch.arange(PAPER_BATCH) % 10
    m.train()
    for _ in range(3):
        train_step(m, opts, x, xl, yl)
    rate = median_rate(lambda i: train_step(m, opts, x, xl, yl), PAPER_BATCH, windows, 1)
    print(f"torch.{name}.train_b{PAPER_BATCH} {rate:.0f}")
    rows = PAPER_ARCHS[name][1] // PAPER_BATCH * PAPER_BATCH
    print(f"torch.{name}.epoch_projected_s {rows / rate:.1f}")
    sys.stdout.flush()


def paper_epoch(name, mnist):
    """One MNIST epoch of the recipe, timed: semi on all 60000 training
    digits with 10 labels per digit, cluster on 55000 (5000 held out)."""
    from torch_paper import train_epoch
    from torch_train import load
    x, y = load(mnist, "train", False)
    m, opts = paper_model(name)
    lab = None
    if name == "semi":
        lab = torch.cat([(y == d).nonzero()[:10, 0] for d in range(10)])
    else:
        held = 5000 if len(x) > 10000 else len(x) // 10  # as cluster_aae (a smaller set: a tenth)
        keep = torch.randperm(len(x))[held:]
        x, y = x[keep], y[keep]
    t0 = time.perf_counter()
    train_epoch(m, opts, x, y, lab, PAPER_BATCH)
    print(f"torch.{name}.epoch_measured_s {time.perf_counter() - t0:.1f}")
    sys.stdout.flush()


def rss_run(mnist):
    """Trains the AAE on all of MNIST held as float32, as a PyTorch user would."""
    with open(f"{mnist}/train-images-idx3-ubyte", "rb") as f:
        raw = f.read()[16:]
    x_all = torch.frombuffer(bytearray(raw), dtype=torch.uint8).reshape(60000, 784).float() / 127.5 - 1.0
    model = AAE()
    for i in range(200):
        idx = torch.arange(i * 64, i * 64 + 64) % 60000
        model.step(x_all[idx], None)
    print(f"torch.aae.rss_mnist_mib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--windows", type=int, default=5)
    p.add_argument("--arch", help="comma-separated, of " + ", ".join(list(ARCHS) + list(PAPER_ARCHS)))
    p.add_argument("--rss")
    p.add_argument("--epoch", metavar="MNIST_DIR", help="time one MNIST epoch of --arch semi and/or cluster")
    a = p.parse_args()
    names = a.arch.split(",") if a.arch else list(ARCHS) + list(PAPER_ARCHS)
    for n in names:
        if n not in ARCHS and n not in PAPER_ARCHS:
            p.error(f"unknown architecture {n}")
    torch.set_num_threads(a.threads)
    if a.rss:
        rss_run(a.rss)
        return
    if a.epoch:
        if not a.arch or any(n not in PAPER_ARCHS for n in names):
            p.error("--epoch needs --arch semi and/or cluster")
        for n in names:
            paper_epoch(n, a.epoch)
        return
    print(f"torch.version {torch.__version__}")
    print(f"torch.threads {torch.get_num_threads()}")
    for name in names:
        if name in ARCHS:
            bench(name, a.windows)
        else:
            bench_paper(name, a.windows)


if __name__ == "__main__":
    main()
