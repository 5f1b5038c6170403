"""What a clustering model's clusters hold: for each cluster (the argmax of
q(y|x)) on a labelled IDX set, its size, its majority digit and the digits
that make up at least 5 % of it; then the empty clusters and the library's
error when each cluster is named by its majority digit (1 - cluster_accuracy).
Last, for each cluster whose second digit makes up at least 20 % of it: how
well a linear function of the style z tells its two digits apart (Fisher's
discriminant fitted on the training set's rows of that cluster, scored on
the test set's), which says whether the model keeps the difference in z
instead of y.

    AAE_LIBRARY=lib/libaae.so.0 PYTHONPATH=bindings/python \\
        python3 scripts/cluster-composition.py out/cluster_aae/cluster_aae.model [data/mnist]

Reads the MNIST directory's training and test sets; needs numpy.
"""
import os
import sys

import numpy as np

import aae


def load(data, prefix):
    return aae.Dataset.load_idx(os.path.join(data, prefix + "-images-idx3-ubyte"),
                                os.path.join(data, prefix + "-labels-idx1-ubyte"))


def encode(model, dataset):
    """(style z, cluster, probabilities, digit) of every row; the cluster is
    the library's own assignment (aae_model_classify)."""
    x, digit = dataset.rows(np.arange(len(dataset)))
    cluster, prob = model.classify(x)
    return model.encode(x), cluster, prob, digit


def fisher_accuracy(z, is_second, z_test, is_second_test):
    """Fisher's linear discriminant between two groups of rows of z, fitted
    on (z, is_second), scored on the test rows."""
    means = [z[is_second == g].mean(0) for g in (0, 1)]
    within = np.vstack([z[is_second == g] - means[g] for g in (0, 1)])
    scatter = np.cov(within.T) + 1e-6 * np.eye(z.shape[1])
    w = np.linalg.solve(scatter, means[1] - means[0])
    threshold = w @ (means[0] + means[1]) / 2
    return np.mean((z_test @ w > threshold) == is_second_test)


def print_mixed(model, train, test):
    z, cluster, _, digit = train
    z_test, cluster_test, _, digit_test = test
    print("mixed cluster  digits (test)  told apart by a linear function of z (test)")
    for k in range(model.classes):
        counts = np.bincount(digit_test[cluster_test == k], minlength=10)
        first, second = np.argsort(-counts, kind="stable")[:2]
        if counts[second] < 0.2 * counts.sum():
            continue
        rows = (cluster == k) & np.isin(digit, (first, second))
        rows_test = (cluster_test == k) & np.isin(digit_test, (first, second))
        if min(np.sum(digit[rows] == first), np.sum(digit[rows] == second)) < 2:
            continue
        accuracy = fisher_accuracy(z[rows], digit[rows] == second,
                                   z_test[rows_test], digit_test[rows_test] == second)
        share = counts[first] / (counts[first] + counts[second])
        print(f"{k:13d}  {first}:{counts[first]} {second}:{counts[second]}"
              f"  {100 * accuracy:.1f} % (the larger digit alone: {100 * share:.1f} %)")


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    model = aae.Model.load(argv[1])
    data = argv[2] if len(argv) == 3 else "data/mnist"
    test = load(data, "t10k")
    encoded_test = encode(model, test)
    _, cluster, prob, digit = encoded_test
    sizes = np.bincount(cluster, minlength=model.classes)
    print("cluster  size  majority  purity  digits with >= 5 %")
    for k in np.argsort(-sizes):
        if sizes[k] == 0:
            continue
        counts = np.bincount(digit[cluster == k], minlength=10)
        mix = " ".join(f"{d}:{n}" for d, n in enumerate(counts) if n >= 0.05 * sizes[k])
        print(f"{k:7d} {sizes[k]:5d} {counts.argmax():9d} {counts.max() / sizes[k]:7.2f}  {mix}")
    empty = np.flatnonzero(sizes == 0)
    print(f"{model.classes - empty.size} of {model.classes} clusters hold digits"
          + (f" (empty: {' '.join(map(str, empty))})" if empty.size else ""))
    majority_error = 1 - model.evaluate(test)["cluster_accuracy"]
    print(f"error by majority {100 * majority_error:.2f} %, mean max q(y|x) {prob.max(1).mean():.3f}")
    print_mixed(model, encode(model, load(data, "train")), encoded_test)


if __name__ == "__main__":
    main(sys.argv)
