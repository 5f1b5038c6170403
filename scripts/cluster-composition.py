"""What a clustering model's clusters hold: for each cluster (the argmax of
q(y|x)) on a labelled IDX set, its size, its majority digit and the digits
that make up at least 5 % of it; then the empty clusters and the library's
error when each cluster is named by its majority digit (1 - cluster_accuracy).

    AAE_LIBRARY=lib/libaae.so.0 PYTHONPATH=bindings/python \\
        python3 scripts/cluster-composition.py out/cluster_aae/cluster_aae.model [data/mnist]

Reads the test set (t10k-*) of the MNIST directory; needs numpy.
"""
import os
import sys

import numpy as np

import aae


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    model = aae.Model.load(argv[1])
    data = argv[2] if len(argv) == 3 else "data/mnist"
    test = aae.Dataset.load_idx(os.path.join(data, "t10k-images-idx3-ubyte"),
                                os.path.join(data, "t10k-labels-idx1-ubyte"))
    x, digit = test.rows(np.arange(len(test)))
    cluster, prob = model.classify(x)
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


if __name__ == "__main__":
    main(sys.argv)
