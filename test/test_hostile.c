/* Hostile arguments, table-driven, across the public API: NULL handles and
 * buffers, zero and overflowing sizes, wrong widths, labels out of range,
 * non-finite rows, too-small datasets, calls out of order. Each gives its
 * documented status and a message that names the call and the problem. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "model_fixture.h"

enum { ROWS = 16 };

static aae_model *M, *SUP;   /* AE (no y head), supervised AAE (reads labels) */
static aae_builder *B;
static aae_dataset *DS;
static aae_trainer *T;
static float X[ROWS * MF_WIDTH], Z[ROWS * 64], OUT[ROWS * MF_WIDTH], BAD[2 * MF_WIDTH];
static int32_t Y[ROWS], CLS[ROWS], WRONG[2] = {0, 99}, NEG[2] = {0, -5};
static double METRICS[AAE_METRIC_COUNT];

#define HOSTILE(id, expr) \
    static aae_status id(void) { return (expr); }

HOSTILE(build_null_builder, aae_builder_build(NULL, &M))
HOSTILE(build_null_out, aae_builder_build(B, NULL))
HOSTILE(create_bad_preset, aae_builder_create(&B, (aae_preset)42))
HOSTILE(set_unknown_option, aae_builder_set(B, (aae_option)0, 1))
HOSTILE(set_nan_option, aae_builder_set(B, AAE_OPTION_W_REC, NAN))
HOSTILE(set_k_below_two, aae_builder_set(B, AAE_OPTION_CLASSES, 1))
HOSTILE(set_fractional_width, aae_builder_set(B, AAE_OPTION_Z_WIDTH, 2.5))
HOSTILE(layer_zero_width, aae_builder_add_layer(B, AAE_PART_ENCODER, 0, AAE_ACT_RELU, 0, 0, 0))
HOSTILE(layer_bad_part, aae_builder_add_layer(B, (aae_part)9, 4, AAE_ACT_RELU, 0, 0, 0))
HOSTILE(layer_bad_dropout, aae_builder_add_layer(B, AAE_PART_ENCODER, 4, AAE_ACT_RELU, 0, 0, 1.5f))
HOSTILE(encode_null_model, aae_model_encode(NULL, X, ROWS, Z, NULL, NULL, 0))
HOSTILE(encode_null_x, aae_model_encode(M, NULL, ROWS, Z, NULL, NULL, 0))
HOSTILE(encode_null_z, aae_model_encode(M, X, ROWS, NULL, NULL, NULL, 0))
HOSTILE(encode_zero_rows, aae_model_encode(M, X, 0, Z, NULL, NULL, 0))
HOSTILE(encode_huge_rows, aae_model_encode(M, X, SIZE_MAX / 2, Z, NULL, NULL, 0))
HOSTILE(encode_y_without_head, aae_model_encode(M, X, ROWS, Z, OUT, NULL, 0))
HOSTILE(encode_small_scratch, aae_model_encode(M, X, ROWS, Z, NULL, OUT, 3))
HOSTILE(decode_missing_label, aae_model_decode(SUP, Z, NULL, ROWS, OUT, NULL, 0))
HOSTILE(reconstruct_no_labels, aae_model_reconstruct(SUP, X, NULL, 2, OUT, NULL, 0))
HOSTILE(reconstruct_label_range, aae_model_reconstruct(SUP, X, WRONG, 2, OUT, NULL, 0))
HOSTILE(generate_zero, aae_model_generate(M, 0, 1, NULL, OUT, NULL, 0))
HOSTILE(generate_label_range, aae_model_generate(SUP, 2, 1, WRONG, OUT, NULL, 0))
HOSTILE(classify_no_head, aae_model_classify(M, X, ROWS, CLS, NULL, NULL, 0))
HOSTILE(log_probs_no_head, aae_model_class_log_probs(M, X, ROWS, OUT, NULL, 0))
HOSTILE(prior_negative_label, aae_model_sample_prior(M, 2, 1, NEG, Z))
HOSTILE(train_null_model, aae_model_train_step(NULL, X, NULL, ROWS, NULL, NULL, 0, 0, NULL))
HOSTILE(train_nan_row, aae_model_train_step(M, BAD, NULL, 2, NULL, NULL, 0, 0, NULL))
HOSTILE(train_labels_needed, aae_model_train_step(SUP, X, NULL, ROWS, NULL, NULL, 0, 0, NULL))
HOSTILE(train_label_range, aae_model_train_step(SUP, X, WRONG, 2, NULL, NULL, 0, 0, NULL))
HOSTILE(get_unknown_option, aae_model_get(M, (aae_option)1000, METRICS))
HOSTILE(tensor_bad_index, aae_model_tensor_get(M, 100000, OUT, 1))
HOSTILE(tensor_short_buffer, aae_model_tensor_get(M, 0, OUT, 1))
HOSTILE(save_null_path, aae_model_save(M, NULL))
HOSTILE(save_memory_small, aae_model_save_memory(M, OUT, 4, NULL))
HOSTILE(load_memory_empty, aae_model_load_memory(&SUP, X, 0))
HOSTILE(load_memory_garbage, aae_model_load_memory(&SUP, X, sizeof X))
HOSTILE(load_missing_file, aae_model_load(&SUP, "/nonexistent/dir/m.aae"))
HOSTILE(dataset_null_x, aae_dataset_from_memory(&DS, NULL, NULL, ROWS, MF_WIDTH, AAE_COPY))
HOSTILE(dataset_zero_width, aae_dataset_from_memory(&DS, X, NULL, ROWS, 0, AAE_COPY))
HOSTILE(dataset_overflow, aae_dataset_from_memory(&DS, X, NULL, SIZE_MAX / 4, 8, AAE_COPY))
HOSTILE(dataset_nan_row, aae_dataset_from_memory(&DS, BAD, NULL, 2, MF_WIDTH, AAE_COPY))
HOSTILE(dataset_bad_label, aae_dataset_from_memory(&DS, X, NEG, 2, MF_WIDTH, AAE_COPY))
HOSTILE(dataset_bad_ownership, aae_dataset_from_memory(&DS, X, NULL, 2, MF_WIDTH, (aae_ownership)7))
HOSTILE(dataset_rows_out_of_range, aae_dataset_get_rows(DS, (const size_t[]){ROWS}, 1, OUT, NULL))
HOSTILE(keep_labels_too_many, aae_dataset_keep_labels(DS, ROWS, 1, &DS))
HOSTILE(idx_missing, aae_dataset_load_idx(&DS, "/nonexistent.idx", NULL, AAE_SCALE_UNIT))
HOSTILE(evaluate_null, aae_model_evaluate(M, NULL, METRICS))
HOSTILE(fit_null_trainer, aae_trainer_fit(NULL, M, DS, NULL))
HOSTILE(fit_null_train, aae_trainer_fit(T, M, NULL, NULL))
HOSTILE(trainer_bad_param, aae_trainer_set(T, (aae_trainer_param)0, 1))
HOSTILE(trainer_zero_epochs, aae_trainer_set(T, AAE_TRAIN_EPOCHS, 0))
HOSTILE(fit_dataset_under_one_batch, aae_trainer_fit(T, M, DS, NULL))
HOSTILE(metric_null, aae_metric_classification_error(NULL, Y, ROWS, METRICS))
HOSTILE(cluster_k_zero, aae_metric_clustering_accuracy(CLS, Y, ROWS, 0, 10, METRICS))
HOSTILE(threads_zero, aae_set_num_threads(0))

static const struct hostile {
    const char *name;
    aae_status (*call)(void);
    aae_status want;
    const char *says; /* a fragment the message must hold */
} CASES[] = {
#define C(id, st, says) {#id, id, st, says}
    C(build_null_builder, AAE_ERR_INVALID_ARGUMENT, "aae_builder_build"),
    C(build_null_out, AAE_ERR_INVALID_ARGUMENT, "NULL"),
    C(create_bad_preset, AAE_ERR_INVALID_ARGUMENT, "preset"),
    C(set_unknown_option, AAE_ERR_INVALID_ARGUMENT, "option"),
    C(set_nan_option, AAE_ERR_INVALID_ARGUMENT, "AAE_OPTION_W_REC"),
    C(set_k_below_two, AAE_ERR_INVALID_ARGUMENT, "AAE_OPTION_CLASSES"),
    C(set_fractional_width, AAE_ERR_INVALID_ARGUMENT, "whole"),
    C(layer_zero_width, AAE_ERR_INVALID_ARGUMENT, "width"),
    C(layer_bad_part, AAE_ERR_INVALID_ARGUMENT, "part"),
    C(layer_bad_dropout, AAE_ERR_INVALID_ARGUMENT, "dropout"),
    C(encode_null_model, AAE_ERR_INVALID_ARGUMENT, "aae_model_encode"),
    C(encode_null_x, AAE_ERR_INVALID_ARGUMENT, "NULL"),
    C(encode_null_z, AAE_ERR_INVALID_ARGUMENT, "NULL"),
    C(encode_zero_rows, AAE_ERR_INVALID_ARGUMENT, "rows"),
    C(encode_huge_rows, AAE_ERR_INVALID_ARGUMENT, "rows"),
    C(encode_y_without_head, AAE_ERR_INVALID_ARGUMENT, "y head"),
    C(encode_small_scratch, AAE_ERR_INVALID_ARGUMENT, "scratch"),
    C(decode_missing_label, AAE_ERR_INVALID_ARGUMENT, "aae_model_decode"),
    C(reconstruct_no_labels, AAE_ERR_INVALID_ARGUMENT, "labels"),
    C(reconstruct_label_range, AAE_ERR_INVALID_ARGUMENT, "row 1"),
    C(generate_zero, AAE_ERR_INVALID_ARGUMENT, "aae_model_generate"),
    C(generate_label_range, AAE_ERR_INVALID_ARGUMENT, "row 1"),
    C(classify_no_head, AAE_ERR_INVALID_ARGUMENT, "y head"),
    C(log_probs_no_head, AAE_ERR_INVALID_ARGUMENT, "y head"),
    C(prior_negative_label, AAE_ERR_INVALID_ARGUMENT, "row 1"),
    C(train_null_model, AAE_ERR_INVALID_ARGUMENT, "aae_model_train_step"),
    C(train_nan_row, AAE_ERR_INVALID_ARGUMENT, "row 1"),
    C(train_labels_needed, AAE_ERR_INVALID_ARGUMENT, "labels"),
    C(train_label_range, AAE_ERR_INVALID_ARGUMENT, "row 1"),
    C(get_unknown_option, AAE_ERR_INVALID_ARGUMENT, "option"),
    C(tensor_bad_index, AAE_ERR_INVALID_ARGUMENT, "100000"),
    C(tensor_short_buffer, AAE_ERR_INVALID_ARGUMENT, "aae_model_tensor_get"),
    C(save_null_path, AAE_ERR_INVALID_ARGUMENT, "aae_model_save"),
    C(save_memory_small, AAE_ERR_INVALID_ARGUMENT, "aae_model_save_memory"),
    C(load_memory_empty, AAE_ERR_FORMAT, "checkpoint"),
    C(load_memory_garbage, AAE_ERR_FORMAT, "checkpoint"),
    C(load_missing_file, AAE_ERR_IO, "/nonexistent/dir/m.aae"),
    C(dataset_null_x, AAE_ERR_INVALID_ARGUMENT, "aae_dataset_from_memory"),
    C(dataset_zero_width, AAE_ERR_INVALID_ARGUMENT, "aae_dataset_from_memory"),
    C(dataset_overflow, AAE_ERR_INVALID_ARGUMENT, "overflows"),
    C(dataset_nan_row, AAE_ERR_INVALID_ARGUMENT, "row 1"),
    C(dataset_bad_label, AAE_ERR_INVALID_ARGUMENT, "row 1"),
    C(dataset_bad_ownership, AAE_ERR_INVALID_ARGUMENT, "ownership"),
    C(dataset_rows_out_of_range, AAE_ERR_INVALID_ARGUMENT, "16"),
    C(keep_labels_too_many, AAE_ERR_INVALID_ARGUMENT, "aae_dataset_keep_labels"),
    C(idx_missing, AAE_ERR_IO, "/nonexistent.idx"),
    C(evaluate_null, AAE_ERR_INVALID_ARGUMENT, "aae_model_evaluate"),
    C(fit_null_trainer, AAE_ERR_INVALID_ARGUMENT, "aae_trainer_fit"),
    C(fit_null_train, AAE_ERR_INVALID_ARGUMENT, "aae_trainer_fit"),
    C(trainer_bad_param, AAE_ERR_INVALID_ARGUMENT, "aae_trainer_set"),
    C(trainer_zero_epochs, AAE_ERR_INVALID_ARGUMENT, "aae_trainer_set"),
    C(fit_dataset_under_one_batch, AAE_ERR_INVALID_ARGUMENT, "fewer than one batch"),
    C(metric_null, AAE_ERR_INVALID_ARGUMENT, "NULL"),
    C(cluster_k_zero, AAE_ERR_INVALID_ARGUMENT, "aae_metric_clustering_accuracy"),
    C(threads_zero, AAE_ERR_INVALID_ARGUMENT, "aae_set_num_threads"),
#undef C
};

static aae_model *make(aae_preset p)
{
    aae_builder *b = mf_builder(p);
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

START_TEST(every_hostile_call_is_refused_clearly)
{
    mf_blobs(X, Y, ROWS, 5);
    memcpy(BAD, X, sizeof BAD);
    BAD[MF_WIDTH + 2] = INFINITY; /* row 1 */
    M = make(AAE_PRESET_AE);
    SUP = make(AAE_PRESET_SUPERVISED_AAE);
    TU_ASSERT_OK(aae_builder_create(&B, AAE_PRESET_AAE));
    TU_ASSERT_OK(aae_dataset_from_memory(&DS, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    TU_ASSERT_OK(aae_trainer_create(&T));
    TU_ASSERT_OK(aae_trainer_set(T, AAE_TRAIN_BATCH_SIZE, 64)); /* more than DS holds */
    aae_model *m0 = M, *s0 = SUP;
    aae_builder *b0 = B;
    aae_dataset *d0 = DS;
    int bad = 0;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        aae_clear_error();
        aae_status st = CASES[i].call();
        if (st != CASES[i].want || !strstr(aae_last_error(), CASES[i].says)) {
            fprintf(stderr, "%s: %s '%s', want %s with '%s'\n", CASES[i].name, aae_status_name(st),
                    aae_last_error(), aae_status_name(CASES[i].want), CASES[i].says);
            bad++;
        }
        /* A refused call leaves the caller's handles as they were. */
        ck_assert_msg(M == m0 && SUP == s0 && B == b0 && DS == d0, "%s replaced a handle", CASES[i].name);
    }
    ck_assert_msg(bad == 0, "%d hostile calls were not refused as documented (listed above)", bad);
    /* And everything still works afterwards. */
    TU_ASSERT_OK(aae_model_train_step(M, X, NULL, ROWS, NULL, NULL, 0, 0, NULL));
    TU_ASSERT_OK(aae_model_encode(SUP, X, ROWS, Z, NULL, NULL, 0));
    aae_trainer_free(T);
    aae_dataset_free(DS);
    aae_builder_free(B);
    aae_model_free(SUP);
    aae_model_free(M);
    /* Freeing NULL is a no-op for every handle. */
    aae_trainer_free(NULL);
    aae_dataset_free(NULL);
    aae_builder_free(NULL);
    aae_model_free(NULL);
    aae_net_free(NULL);
    aae_optimizer_free(NULL);
}
END_TEST

/* Opting in skips the non-finite rows instead of refusing them. */
START_TEST(non_finite_rows_are_skipped_when_asked)
{
    float x[4 * 2] = {1, 2, NAN, 4, 5, 6, 7, INFINITY};
    int32_t labels[4] = {0, 1, 2, 3};
    aae_dataset *ds;
    ck_assert_int_eq(aae_dataset_from_memory(&ds, x, labels, 4, 2, AAE_COPY), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 1 column 0"));
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, x, labels, 4, 2, AAE_COPY_FINITE));
    size_t rows, idx[2] = {0, 1};
    TU_ASSERT_OK(aae_dataset_shape(ds, &rows, NULL, NULL));
    ck_assert_uint_eq(rows, 2);
    float got[4];
    int32_t got_labels[2];
    TU_ASSERT_OK(aae_dataset_get_rows(ds, idx, 2, got, got_labels));
    ck_assert(got[0] == 1 && got[1] == 2 && got[2] == 5 && got[3] == 6);
    ck_assert(got_labels[0] == 0 && got_labels[1] == 2);
    aae_dataset_free(ds);
    float none[2] = {NAN, 1};
    ck_assert_int_eq(aae_dataset_from_memory(&ds, none, NULL, 1, 2, AAE_COPY_FINITE), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "none of the 1 rows"));
}
END_TEST

Suite *suite_hostile(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_hostile_call_is_refused_clearly);
    tcase_add_test(tc, non_finite_rows_are_skipped_when_asked);
    suite_add_tcase(s, tc);
    return s;
}
