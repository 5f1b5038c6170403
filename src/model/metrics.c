/* Classification error and clustering accuracy (the AAE paper's rule:
 * every cluster takes the majority label of its rows). */
#include <stdlib.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/model.h"

AAE_API aae_status aae_metric_classification_error(const int32_t *predicted,
                                                   const int32_t *labels, size_t rows,
                                                   double *error)
{
    AAEI_REQUIRE(predicted && labels && error,
                 "aae_metric_classification_error: predicted, labels or error is NULL");
    size_t n = 0, wrong = 0;
    for (size_t i = 0; i < rows; i++) {
        if (labels[i] < 0) continue;
        n++;
        wrong += predicted[i] != labels[i];
    }
    *error = n ? (double)wrong / (double)n : 0.0;
    return AAE_OK;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sum over clusters of the count of the cluster's most frequent label, from
 * the sorted (cluster, label) keys of the labelled rows. */
static size_t majority_total(const uint64_t *keys, size_t n)
{
    size_t right = 0, best = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && keys[j] == keys[i]; j++) continue;
        if (i > 0 && keys[i] >> 32 != keys[i - 1] >> 32) {
            right += best; /* a new cluster starts */
            best = 0;
        }
        if (j - i > best) best = j - i;
    }
    return right + best;
}

aae_status aaei_clustering_accuracy(const int32_t *clusters, const int32_t *labels, size_t rows,
                                    double *accuracy)
{
    uint64_t *keys = aaei_malloc(rows, sizeof *keys, "cluster label pairs");
    if (!keys) return AAE_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < rows; i++)
        if (labels[i] >= 0) keys[n++] = (uint64_t)(uint32_t)clusters[i] << 32 | (uint32_t)labels[i];
    qsort(keys, n, sizeof *keys, compare_u64);
    size_t right = majority_total(keys, n);
    aaei_free(keys);
    *accuracy = n ? (double)right / (double)n : 0.0;
    return AAE_OK;
}

AAE_API aae_status aae_metric_clustering_accuracy(const int32_t *clusters, const int32_t *labels,
                                                  size_t rows, size_t k, size_t classes,
                                                  double *accuracy)
{
    static const char fn[] = "aae_metric_clustering_accuracy";
    AAEI_REQUIRE(clusters && labels && accuracy, "%s: clusters, labels or accuracy is NULL", fn);
    AAEI_REQUIRE(k >= 1 && classes >= 1, "%s: k and classes must be >= 1", fn);
    for (size_t i = 0; i < rows; i++) {
        AAEI_REQUIRE(clusters[i] >= 0 && (size_t)clusters[i] < k,
                     "%s: cluster of row %zu is %d, not in [0, %zu)", fn, i, (int)clusters[i], k);
        AAEI_REQUIRE(labels[i] < 0 || (size_t)labels[i] < classes,
                     "%s: label of row %zu is %d, not below %zu classes", fn, i, (int)labels[i], classes);
    }
    return aaei_clustering_accuracy(clusters, labels, rows, accuracy);
}
