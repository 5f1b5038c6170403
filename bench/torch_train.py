#!/usr/bin/env python3
"""PyTorch's side of `make match-pytorch`: trains one of the reference
architectures of bench/torch_bench.py on MNIST as the libaae examples do
(batch 64, a fresh shuffle per epoch, the last partial batch dropped) and
prints its test metrics as "key value" lines, in the units of the
examples' log.csv: reconstruction MSE and L1 in pixels of [0, 1], the
one-sample ELBO in nats, classification error.

    python3 bench/torch_train.py --arch aae|ae|vaecls --seed 0 --epochs 5 \\
        --mnist data/mnist [--detach-y 1]
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bench import ARCHS  # noqa: E402  (the same networks as the benchmark)


def load(mnist, part, symmetric):
    with open(f"{mnist}/{part}-images-idx3-ubyte", "rb") as f:
        x = torch.frombuffer(bytearray(f.read()[16:]), dtype=torch.uint8).reshape(-1, 784).float()
    with open(f"{mnist}/{part}-labels-idx1-ubyte", "rb") as f:
        y = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8).long()
    return (x / 127.5 - 1.0 if symmetric else x / 255.0), y


def evaluate(name, model, x, y):
    for m in model.modules():
        m.eval()
    out = {}
    with torch.no_grad():
        if name == "aae":
            rec = (model.dec(model.encode(x)) + 1.0) / 2.0
            ref = (x + 1.0) / 2.0
            out["test_mse"] = F.mse_loss(rec, ref).item()
            out["test_l1"] = F.l1_loss(rec, ref).item()
        elif name == "ae":
            rec = model.dec(model.enc(x))
            out["test_mse"] = F.mse_loss(rec, x).item()
            out["test_l1"] = F.l1_loss(rec, x).item()
        else:
            h = model.enc(x)
            mu, logvar = h[:, :20], h[:, 20:]
            logits = model.cls(x)
            probs = F.softmax(logits, dim=1)
            out["test_class_error"] = (logits.argmax(1) != y).float().mean().item()
            rec = model.dec(torch.cat([mu, probs], dim=1))
            out["test_mse"] = F.mse_loss(rec, x).item()
            out["test_l1"] = F.l1_loss(rec, x).item()
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            x_hat = model.dec(torch.cat([z, probs], dim=1)).clamp(1e-12, 1 - 1e-7)
            bce = F.binary_cross_entropy(x_hat, x, reduction="none").sum(1)
            kl = -0.5 * (1 + logvar - mu * mu - logvar.exp()).sum(1)
            out["test_elbo"] = -(bce + kl).mean().item()
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", choices=sorted(ARCHS), required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--mnist", default="data/mnist")
    p.add_argument("--detach-y", type=int, default=1, help="vaecls: the decoder sees the classifier's y detached")
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    x, y = load(a.mnist, "train", a.arch == "aae")
    xt, yt = load(a.mnist, "t10k", a.arch == "aae")
    model = ARCHS[a.arch]()
    if a.arch == "vaecls":
        model.detach_y = bool(a.detach_y)
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        for m in model.modules():
            m.train()
        perm = torch.randperm(x.shape[0])
        for b in range(x.shape[0] // a.batch):
            idx = perm[b * a.batch:(b + 1) * a.batch]
            model.step(x[idx], y[idx])
    seconds = time.perf_counter() - t0
    for k, v in evaluate(a.arch, model, xt, yt).items():
        print(f"{k} {v:.6g}")
    print(f"seconds {seconds:.1f}")


if __name__ == "__main__":
    main()
