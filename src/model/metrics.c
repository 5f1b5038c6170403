/* Classification error and clustering accuracy (the AAE paper's rule:
 * every cluster takes the majority label of its rows). */
#include "core/alloc.h"
#include "core/error.h"

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

AAE_API aae_status aae_metric_clustering_accuracy(const int32_t *clusters, const int32_t *labels,
                                                  size_t rows, size_t k, size_t classes,
                                                  double *accuracy)
{
    static const char fn[] = "aae_metric_clustering_accuracy";
    size_t cells;
    AAEI_REQUIRE(clusters && labels && accuracy, "%s: clusters, labels or accuracy is NULL", fn);
    AAEI_REQUIRE(k >= 1 && classes >= 1, "%s: k and classes must be >= 1", fn);
    AAEI_REQUIRE(aaei_mul_size(k, classes, &cells), "%s: %zu x %zu overflows", fn, k, classes);
    for (size_t i = 0; i < rows; i++) {
        AAEI_REQUIRE(clusters[i] >= 0 && (size_t)clusters[i] < k,
                     "%s: cluster of row %zu is %d, not in [0, %zu)", fn, i, (int)clusters[i], k);
        AAEI_REQUIRE(labels[i] < 0 || (size_t)labels[i] < classes,
                     "%s: label of row %zu is %d, not below %zu classes", fn, i, (int)labels[i], classes);
    }
    size_t *count = aaei_calloc(cells, sizeof *count, "cluster label counts");
    if (!count) return AAE_ERR_NOMEM;
    size_t n = 0, right = 0;
    for (size_t i = 0; i < rows; i++)
        if (labels[i] >= 0) {
            count[(size_t)clusters[i] * classes + (size_t)labels[i]]++;
            n++;
        }
    for (size_t c = 0; c < k; c++) {
        size_t best = 0; /* ties go to the smaller label; the count is what matters */
        for (size_t j = 0; j < classes; j++)
            if (count[c * classes + j] > best) best = count[c * classes + j];
        right += best;
    }
    aaei_free(count);
    *accuracy = n ? (double)right / (double)n : 0.0;
    return AAE_OK;
}
