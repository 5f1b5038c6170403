"""k-means on raw MNIST pixels: the baseline beside the clustering AAE rows
of docs/results.md (issue 20). As the clustering example, 5000 training
digits (drawn at random here, not libaae's draw) are held out for the
paper's labelling; the same K, k-means++ seeding and Lloyd's iterations until no point moves
(or 300), several seeds. Reports the test error two ways, as
cluster_aae does:
  majority: every cluster takes the majority label of its test digits;
  paper's way: cluster c takes the label of the validation digit nearest
  to its centre (k-means' analogue of the surest q(y = c | x)).

    python3 bench/kmeans_baseline.py --clusters 16 --seeds 5 --mnist data/mnist
"""
import argparse

import numpy as np


def load(mnist, part):
    with open(f"{mnist}/{part}-images-idx3-ubyte", "rb") as f:
        x = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float32) / 255.0
    with open(f"{mnist}/{part}-labels-idx1-ubyte", "rb") as f:
        y = np.frombuffer(f.read()[8:], dtype=np.uint8).astype(np.int64)
    return x, y


def sq_dist(x, c):
    """|x - c|^2 for every row of x and centre of c."""
    return (x * x).sum(1)[:, None] - 2.0 * x @ c.T + (c * c).sum(1)[None, :]


def kmeans_pp(x, k, rng):
    centres = [x[rng.integers(len(x))]]
    d = sq_dist(x, centres[0][None, :])[:, 0]
    for _ in range(1, k):
        p = np.maximum(d, 0.0)
        centres.append(x[rng.choice(len(x), p=p / p.sum())])
        d = np.minimum(d, sq_dist(x, centres[-1][None, :])[:, 0])
    return np.stack(centres)


def kmeans(x, k, seed, iters=300):
    rng = np.random.default_rng(seed)
    c = kmeans_pp(x, k, rng)
    assign = None
    for _ in range(iters):
        new = sq_dist(x, c).argmin(1)
        if assign is not None and (new == assign).all():
            break
        assign = new
        for j in range(k):
            members = x[assign == j]
            if len(members):
                c[j] = members.mean(0)
    return c


def majority_error(c, y, k):
    wrong = 0
    for j in range(k):
        labels = y[c == j]
        if len(labels):
            wrong += len(labels) - np.bincount(labels, minlength=10).max()
    return wrong / len(y)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--clusters", type=int, default=16)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--mnist", default="data/mnist")
    a = p.parse_args()
    x, y = load(a.mnist, "train")
    xt, yt = load(a.mnist, "t10k")
    order = np.random.default_rng(0).permutation(len(x))
    xv, yv, xtr = x[order[:5000]], y[order[:5000]], x[order[5000:]]
    maj, paper = [], []
    for seed in range(a.seeds):
        c = kmeans(xtr, a.clusters, seed)
        ct = sq_dist(xt, c).argmin(1)
        maj.append(majority_error(ct, yt, a.clusters))
        label = yv[sq_dist(xv, c).argmin(0)]  # each centre's nearest validation digit
        paper.append(float((label[ct] != yt).mean()))
        print(f"seed {seed}: test error {100 * maj[-1]:.2f} % by majority, {100 * paper[-1]:.2f} % the paper's way",
              flush=True)
    for name, v in (("by majority", maj), ("the paper's way", paper)):
        v = 100 * np.array(v)
        print(f"K = {a.clusters}, {a.seeds} seeds, {name}: mean {v.mean():.2f} %, range [{v.min():.2f}, {v.max():.2f}]")


if __name__ == "__main__":
    main()
