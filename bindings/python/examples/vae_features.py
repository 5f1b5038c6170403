#!/usr/bin/env python3
"""Train a VAE on MNIST from Python, then use its encoder as a feature
extractor: a nearest-centroid classifier on the 20-D codes.

    PYTHONPATH=bindings/python AAE_LIBRARY=lib/libaae.so.0 \\
        python3 bindings/python/examples/vae_features.py --epochs 3
"""
import argparse
import os
import sys

import numpy as np

import aae


def nearest_centroid(train_z, train_y, test_z):
    classes = np.unique(train_y)
    centroids = np.stack([train_z[train_y == c].mean(axis=0) for c in classes])
    d = ((test_z[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return classes[d.argmin(axis=1)]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="data/mnist", help="directory with the MNIST IDX files")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)

    def idx(prefix):
        return aae.Dataset.load_idx(os.path.join(a.data, f"{prefix}-images-idx3-ubyte"),
                                    os.path.join(a.data, f"{prefix}-labels-idx1-ubyte"), aae.Scale.UNIT)

    with idx("train") as train, idx("t10k") as test:
        builder = aae.Builder("vae").set(aae.Option.INPUT_WIDTH, train.shape[1]).set(aae.Option.SEED, a.seed)
        with builder, builder.build() as model:
            def report(epoch, losses, metrics, rate):
                print(f"epoch {epoch + 1}: BCE {losses['rec']:.1f} KL {losses['kl']:.2f} "
                      f"test ELBO {metrics['elbo']:.1f} nats ({rate:.0f} samples/s)", file=sys.stderr)

            aae.Trainer(epochs=a.epochs, seed=a.seed).fit(model, train, eval=test, on_epoch=report)
            x_train, y_train = train.rows(np.arange(len(train)))
            x_test, y_test = test.rows(np.arange(len(test)))
            predicted = nearest_centroid(model.encode(x_train), y_train, model.encode(x_test))
    accuracy = float((predicted == y_test).mean())
    print(f"nearest-centroid accuracy on VAE features: {100 * accuracy:.2f}%")
    return accuracy


if __name__ == "__main__":
    main()
