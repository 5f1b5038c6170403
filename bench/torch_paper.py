#!/usr/bin/env python3
"""PyTorch's side of the paper's table (docs/results.md): the clustering and
semi-supervised adversarial autoencoders of libaae's presets
(AAE_PRESET_CLUSTERING_AAE, AAE_PRESET_SEMI_SUPERVISED_AAE) written in
PyTorch, trained the way examples/cluster_aae.c and
examples/semi_supervised_aae.c train them:

- encoder 784-1000-1000-(z 10 + K logits), y = softmax(logits); decoder
  (z + y)-1000-1000-784 sigmoid; discriminators on z and on y, each
  dim-1000-1000-1, ReLU everywhere, PyTorch's default initialization;
- every step, in the paper's order: reconstruction (MSE, mean over pixels)
  updates encoder and decoder; the discriminators see prior samples
  (N(0, I) for z, one-hot for y) against the updated encoder's codes, both
  with Gaussian noise of std 0.3, loss BCE_real + BCE_fake; the encoder as
  generator, BCE(D(code + noise), 1) on both codes; and for the
  semi-supervised recipe a cross-entropy step of the y head on a batch of
  64 labelled digits (a window of a shuffled list of them, wrapping);
- Adam: 1e-3 (0.9, 0.999) for the reconstruction, generator and
  semi-supervised phases, each with its own state; 2e-4 (0.5, 0.999) for
  the discriminators; --batchnorm 1 as the examples' option; batch 64, a fresh shuffle per epoch, last partial
  batch dropped.

--paper 1 trains the recipe of the paper's Appendix A as libaae's preset
does instead (paper_recipe). The semi-supervised one as issue 20 reads it:
Gaussian noise of std 0.3 on the encoder's input in every phase that
encodes x (the reconstruction target stays clean; none on the
discriminators), 0.5 x the sum of squared errors over
pixels, SGD with momentum per cost (reconstruction 0.01/0.9,
semi-supervised 0.1/0.9, discriminators and generator 0.1/0.1), all rates
x0.1 from epoch 50 and again from 1000, batch 100, weights N(0, 0.01) and
zero biases. The clustering one alike, but with a 784-3000-3000 encoder with
batch norm through its heads, a 3000-unit decoder, z 5, 20 % dropout on the
encoder's input instead of the noise and the milestone 50 only.
bench/torch_bench.py times these two (--arch semi, cluster).

Data as the examples: 5000 training digits held out (the clustering
recipe's validation set for the paper's labelling; with --valid for the
semi-supervised one), --labels N keeps N/10 labels per digit of the rest.
Writes <out>/log.csv (one line per epoch) and <out>/checkpoint.pt after
every epoch; running the same command again continues from it.

    python3 bench/torch_paper.py --recipe cluster --clusters 16 --epochs 10 --out out/torch/cluster16
    python3 bench/torch_paper.py --recipe semi --labels 100 --valid 5000 --epochs 10 --out out/torch/semi100
"""
import argparse
import csv
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_train import load  # noqa: E402

Z = 10
HIDDEN = 1000
NOISE = 0.3
BATCH = 64


def mlp(i, o, bn=False, hidden=HIDDEN):
    """Two hidden layers: Linear, BatchNorm1d when bn, ReLU (libaae's order)."""
    layers = []
    for w in (i, hidden):
        layers += [nn.Linear(w, hidden)] + ([nn.BatchNorm1d(hidden)] if bn else []) + [nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(hidden, o))


class Model(nn.Module):
    """bn: batch norm in the encoder's and decoder's hidden layers; hidden, z:
    their width and the style code's; enc_bn (default bn) and head_bn (batch
    norm on the encoder's outputs, z and the y logits) for the paper's
    clustering recipe, whose 3000-unit encoder alone has batch norm."""

    def __init__(self, k, bn, hidden=HIDDEN, z=Z, enc_bn=None, head_bn=False):
        super().__init__()
        self.k, self.z = k, z
        self.enc = mlp(784, z + k, bn if enc_bn is None else enc_bn, hidden)
        if head_bn:
            self.enc.append(nn.BatchNorm1d(z + k))
        self.dec = nn.Sequential(mlp(z + k, 784, bn, hidden), nn.Sigmoid())
        self.dz = mlp(z, 1)
        self.dy = mlp(k, 1)

    def encode(self, x):
        e = self.enc(x)
        return e[:, :self.z], e[:, self.z:]


def adam(params, lr, beta1):
    return torch.optim.Adam(params, lr=lr, betas=(beta1, 0.999))


def sgd(params, lr, momentum):
    return torch.optim.SGD(params, lr=lr, momentum=momentum)


# The paper's recipe (--paper 1); PAPER["on"] is set once in main(), and
# paper_recipe sets the entries that differ between the two recipes.
PAPER = {"on": False, "input_noise": 0.3, "input_dropout": 0.0, "batch": 100, "milestones": (50, 1000),
         "gamma": 0.1}


def paper_recipe(recipe, k, bn=False):
    """The model and optimizers of libaae's preset for `recipe` (the paper's
    Appendix A: AAE_PRESET_SEMI_SUPERVISED_AAE, AAE_PRESET_CLUSTERING_AAE),
    with PAPER set for it. semi: 1000-unit nets, z 10, noise 0.3 on the
    encoder's input; cluster: 784-3000-3000 encoder with batch norm through
    its heads, 3000-unit decoder, z 5, 20 % dropout on the encoder's input,
    milestone 50 only. Discriminators 1000 units in both. bn (--batchnorm
    1): batch norm in the encoder's and decoder's hidden layers too."""
    cluster = recipe == "cluster"
    PAPER.update(on=True, input_noise=0.0 if cluster else 0.3, input_dropout=0.2 if cluster else 0.0,
                 milestones=(50,) if cluster else (50, 1000))
    m = Model(k, bn, hidden=3000, z=5, enc_bn=True, head_bn=True) if cluster else Model(k, bn)
    paper_init(m)
    return m, paper_optimizers(m)


def paper_init(m):
    for mod in m.modules():
        if isinstance(mod, nn.Linear):
            nn.init.normal_(mod.weight, 0.0, 0.01)
            nn.init.zeros_(mod.bias)


def paper_optimizers(m):
    return {"rec": sgd(list(m.enc.parameters()) + list(m.dec.parameters()), 0.01, 0.9),
            "gen": sgd(m.enc.parameters(), 0.1, 0.1), "semi": sgd(m.enc.parameters(), 0.1, 0.9),
            "dz": sgd(m.dz.parameters(), 0.1, 0.1), "dy": sgd(m.dy.parameters(), 0.1, 0.1)}


def set_epoch_rates(opts, epoch):
    """The paper's milestones: x gamma from each one reached (counted over the run's life)."""
    factor = PAPER["gamma"] ** sum(epoch >= e for e in PAPER["milestones"])
    for o in opts.values():
        for g in o.param_groups:
            g.setdefault("base_lr", g["lr"])
            g["lr"] = g["base_lr"] * factor


def noisy(x):
    """The encoder's input in training: x, or in the paper's recipes x + N(0,
    0.3^2) (semi-supervised) or x with 20 % dropout (clustering)."""
    if not PAPER["on"]:
        return x
    if PAPER["input_noise"]:
        x = x + PAPER["input_noise"] * torch.randn_like(x)
    return F.dropout(x, PAPER["input_dropout"]) if PAPER["input_dropout"] else x


def disc_noise():
    return 0.0 if PAPER["on"] else NOISE


def disc_step(d, opt, real, fake):
    inp = torch.cat([real, fake.detach()]) + disc_noise() * torch.randn(2 * len(fake), fake.shape[1])
    t = torch.cat([torch.ones(len(real), 1), torch.zeros(len(fake), 1)])
    loss = 2.0 * F.binary_cross_entropy_with_logits(d(inp), t)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def gen_loss(d, fake):
    logit = d(fake + disc_noise() * torch.randn_like(fake))
    return F.binary_cross_entropy_with_logits(logit, torch.ones_like(logit))


def reconstruction_loss(xhat, x):
    if PAPER["on"]:
        return 0.5 * ((xhat - x) ** 2).sum(1).mean()
    return F.mse_loss(xhat, x)


def train_step(m, opts, x, xl, yl):
    z, logits = m.encode(noisy(x))
    rec = reconstruction_loss(m.dec(torch.cat([z, F.softmax(logits, 1)], 1)), x)
    rec_opts = [opts["rec"]] if PAPER["on"] else [opts["enc"], opts["dec"]]
    for o in rec_opts:
        o.zero_grad()
    rec.backward()
    for o in rec_opts:
        o.step()

    z, logits = m.encode(noisy(x))
    y = F.softmax(logits, 1)
    prior_y = F.one_hot(torch.randint(m.k, (len(x),)), m.k).float()
    dz = disc_step(m.dz, opts["dz"], torch.randn_like(z), z)
    dy = disc_step(m.dy, opts["dy"], prior_y, y)
    gz, gy = gen_loss(m.dz, z), gen_loss(m.dy, y)
    opts["gen"].zero_grad()
    (gz + gy).backward()
    opts["gen"].step()
    out = [rec.item(), dz, gz.item(), dy, gy.item()]

    if xl is not None:
        ce = F.cross_entropy(m.encode(noisy(xl))[1], yl)
        opts["semi"].zero_grad()
        ce.backward()
        opts["semi"].step()
        out.append(ce.item())
    return out


def train_epoch(m, opts, x, y, lab, batch, semi=True):
    """One epoch: a fresh shuffle, len(x) // batch steps; lab (positions of
    the labelled rows, or None) feeds the semi-supervised phase, when semi,
    labelled batches of `batch` rows (shuffled whether used or not, so a
    run draws the same numbers as before this was a function). Returns the
    summed losses of each kind."""
    m.train()
    perm, lperm = torch.randperm(len(x)), None if lab is None else lab[torch.randperm(len(lab))]
    sums = None
    for b in range(len(x) // batch):
        xb = x[perm[b * batch:(b + 1) * batch]]
        xl = yl = None
        if semi and lperm is not None:
            rows = lperm[(torch.arange(batch) + b * batch) % len(lperm)]
            xl, yl = x[rows], y[rows]
        losses = train_step(m, opts, xb, xl, yl)
        sums = losses if sums is None else [s + v for s, v in zip(sums, losses)]
    return sums


def clusters(m, x):
    """Each row's cluster and log q(y|x) as aae_model_class_log_probs computes
    it: a confident row's softmax (and log_softmax's top entry) is exactly 1
    (0) in float32, so rows would tie; log1p of the other classes' sum does not."""
    m.eval()
    with torch.no_grad():
        z = m.encode(x)[1].double()
        top, c = z.max(1, keepdim=True)
        others = (z - top).exp().scatter(1, c, 0.0).sum(1, keepdim=True)
        lp = (z - top) - torch.log1p(others)
    return c.squeeze(1), lp


def majority_error(c, y, k):
    wrong = 0
    for j in range(k):
        labels = y[c == j]
        if len(labels):
            wrong += len(labels) - torch.bincount(labels, minlength=10).max().item()
    return wrong / len(y)


def paper_error(m, xv, yv, xt, yt):
    """Each cluster takes the label of the validation digit it is surest of."""
    _, lpv = clusters(m, xv)
    label = yv[lpv.argmax(0)]
    c, _ = clusters(m, xt)
    return (label[c] != yt).float().mean().item()


def binding():
    """The Python binding (AAE_LIBRARY names libaae.so.0 if pkg-config does not)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.join(root, "bindings", "python"))
    import aae
    return aae


def libaae_init(m, seed):
    """Replaces the semi-supervised model's parameters by the initial ones of
    libaae's preset model for the same seed (what the example starts from):
    both state_dicts list encoder, decoder, z and y discriminators layer by
    layer, z before y in the encoder's output and the decoder's input."""
    aae = binding()
    b = aae.Builder(aae.Preset.SEMI_SUPERVISED_AAE).set(aae.Option.SEED, seed)
    theirs = list(b.build().state_dict().values())
    mine = list(m.state_dict().items())
    if len(theirs) != len(mine) or any(tuple(v.shape) != tuple(t.shape) for (_, v), t in zip(mine, theirs)):
        sys.exit("torch_paper: libaae's model does not have this model's layers")
    m.load_state_dict({n: torch.as_tensor(t, dtype=v.dtype).reshape(v.shape) for (n, v), t in zip(mine, theirs)})


def libaae_split(mnist, held, labels, seed):
    """The training digits libaae's examples hold out and keep labels of for
    the same seed (aae_dataset_split, aae_dataset_keep_labels through the
    Python binding; AAE_LIBRARY names libaae.so.0 if pkg-config does not):
    (indices of the rest, indices of the held-out digits, positions in the
    rest of the labelled ones). Held-out digits are found by their pixels."""
    import numpy as np
    aae = binding()
    full = aae.Dataset.load_idx(f"{mnist}/train-images-idx3-ubyte", f"{mnist}/train-labels-idx1-ubyte")
    n = len(full)
    pixels = lambda ds: np.rint(ds.rows(range(len(ds)))[0] * 255).astype(np.uint8)
    where = {row.tobytes(): i for i, row in enumerate(pixels(full))}
    rest, valid = full.split(held, seed) if held else (full, None)
    valid_idx = sorted(where[row.tobytes()] for row in pixels(valid)) if valid else []
    if len(set(valid_idx)) != held:
        sys.exit("torch_paper: duplicate digits in the held-out set; cannot map it back to rows")
    gone = set(valid_idx)
    rest_idx = [i for i in range(n) if i not in gone]
    kept = rest.keep_labels(labels // 10, seed) if labels else rest
    lab = np.nonzero(kept.rows(range(len(kept)))[1] >= 0)[0]
    return torch.tensor(rest_idx), torch.tensor(valid_idx, dtype=torch.long), torch.from_numpy(lab).long()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--recipe", choices=["cluster", "semi"], required=True)
    p.add_argument("--clusters", type=int, default=16)
    p.add_argument("--labels", type=int, default=100, help="semi: labels kept, N/10 per digit (0: all)")
    p.add_argument("--valid", type=int, default=0, help="semi: training digits held out for validation")
    p.add_argument("--batchnorm", type=int, default=0, help="1: batch norm in the encoder's and decoder's hidden layers")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mnist", default="data/mnist")
    p.add_argument("--limit", type=int, default=0, help="use only the first ROWS of each MNIST set (0: all)")
    p.add_argument("--paper", type=int, default=0, help="1: the paper's semi-supervised recipe (see the top)")
    p.add_argument("--split", choices=["torch", "libaae"], default="torch",
                   help="semi: held-out and labelled digits drawn by torch.randperm, or those libaae's example draws for --seed")
    p.add_argument("--init", choices=["torch", "libaae"], default="torch",
                   help="--paper 1 semi: initial weights drawn by PyTorch for --seed, or libaae's preset model's for --seed")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    PAPER["on"] = bool(a.paper)
    batch = PAPER["batch"] if a.paper else BATCH
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)

    x, y = load(a.mnist, "train", False)
    xt, yt = load(a.mnist, "t10k", False)
    if a.limit:
        x, y, xt, yt = x[:a.limit], y[:a.limit], xt[:a.limit], yt[:a.limit]
    held = 5000 if a.recipe == "cluster" else a.valid
    k = a.clusters if a.recipe == "cluster" else 10
    semi = a.recipe == "semi"
    if a.split == "libaae":
        if not semi or a.limit:
            p.error("--split libaae is for the semi-supervised recipe on all of MNIST")
        rest, held_idx, lab = libaae_split(a.mnist, held, a.labels, a.seed)
        xv, yv, x, y = x[held_idx], y[held_idx], x[rest], y[rest]
    else:
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(a.seed))
        xv, yv = x[order[:held]], y[order[:held]]
        x, y = x[order[held:]], y[order[held:]]
        lab = torch.cat([(y == d).nonzero()[: a.labels // 10, 0] for d in range(10)]) if semi and a.labels else None
    if lab is None or not a.labels:
        lab = torch.arange(len(x))

    if a.init == "libaae" and not (a.paper and semi and not a.batchnorm):
        p.error("--init libaae is for the paper's semi-supervised recipe (--paper 1, no --batchnorm)")
    if a.paper:
        m, opts = paper_recipe(a.recipe, k, bool(a.batchnorm))
        if a.init == "libaae":
            libaae_init(m, a.seed)
    else:
        m = Model(k, bool(a.batchnorm))
        opts = {"enc": adam(m.enc.parameters(), 1e-3, 0.9), "dec": adam(m.dec.parameters(), 1e-3, 0.9),
                "gen": adam(m.enc.parameters(), 1e-3, 0.9), "semi": adam(m.enc.parameters(), 1e-3, 0.9),
                "dz": adam(m.dz.parameters(), 2e-4, 0.5), "dy": adam(m.dy.parameters(), 2e-4, 0.5)}
    ckpt, log = os.path.join(a.out, "checkpoint.pt"), os.path.join(a.out, "log.csv")
    epoch, seconds = 0, 0.0
    if os.path.exists(ckpt):
        s = torch.load(ckpt)
        m.load_state_dict(s["model"])
        for n, o in opts.items():
            o.load_state_dict(s["opts"][n])
        torch.set_rng_state(s["rng"])
        epoch, seconds = s["epoch"], s["seconds"]
    fields = ["epoch", "rec", "disc_z", "gen_z", "disc_y", "gen_y", "ce", "test_class_error",
              "valid_class_error", "test_majority_error", "test_paper_error", "seconds"]
    if not os.path.exists(log):
        with open(log, "w", newline="") as f:
            csv.writer(f).writerow(fields)

    batches = len(x) // batch
    while epoch < a.epochs:
        t0 = time.perf_counter()
        if a.paper:
            set_epoch_rates(opts, epoch)
        sums = train_epoch(m, opts, x, y, lab, batch, semi)
        epoch += 1
        seconds += time.perf_counter() - t0
        mean = [s / batches for s in sums] + ([] if semi else [""])
        row = {"epoch": epoch, "seconds": round(seconds, 1)}
        row.update(zip(fields[1:7], mean))
        c, _ = clusters(m, xt)
        if semi:
            row["test_class_error"] = (c != yt).float().mean().item()
            if held:
                row["valid_class_error"] = (clusters(m, xv)[0] != yv).float().mean().item()
        else:
            row["test_majority_error"] = majority_error(c, yt, k)
            row["test_paper_error"] = paper_error(m, xv, yv, xt, yt)
        with open(log, "a", newline="") as f:
            csv.writer(f).writerow([row.get(n, "") for n in fields])
        torch.save({"model": m.state_dict(), "opts": {n: o.state_dict() for n, o in opts.items()},
                    "rng": torch.get_rng_state(), "epoch": epoch, "seconds": seconds}, ckpt + ".tmp")
        os.replace(ckpt + ".tmp", ckpt)
        print(" ".join(f"{n} {row[n]}" for n in fields if row.get(n, "") != ""), flush=True)


if __name__ == "__main__":
    main()
