/* Shared helpers for the Check suites. */
#ifndef AAE_TEST_UTIL_H
#define AAE_TEST_UTIL_H

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "aae/aae.h"

/* Each suite file defines one of these; check_main.c runs them all. */
Suite *suite_core(void);
Suite *suite_api(void);
Suite *suite_gradcheck(void);
Suite *suite_zdisc_sees_y(void);
Suite *suite_optim(void);
Suite *suite_golden(void);
Suite *suite_determinism(void);
Suite *suite_model(void);
Suite *suite_trainer(void);
Suite *suite_checkpoint(void);
Suite *suite_checkpoint_hostile(void);
Suite *suite_dataset(void);
Suite *suite_prior(void);
Suite *suite_examples(void);
Suite *suite_cli(void);
Suite *suite_fuzz_replay(void);
Suite *suite_threads(void);
Suite *suite_faults(void);
Suite *suite_hostile(void);
Suite *suite_parallel(void);
Suite *suite_reentry(void);
Suite *suite_phases(void);
Suite *suite_recipe_options(void);
Suite *suite_transaction(void);
Suite *suite_enum_names(void);
Suite *suite_allocator(void);

/* Deterministic test data: uniform in [lo, hi) from a small LCG keyed by seed. */
static inline void tu_fill(float *x, size_t n, uint64_t seed, float lo, float hi)
{
    uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = lo + (hi - lo) * (float)((s >> 40) * (1.0 / 16777216.0));
    }
}

/* Asserts |a - b| <= atol + rtol * |b|, naming the index on failure. */
#define TU_ASSERT_CLOSE(a, b, atol, rtol, idx)                                        \
    do {                                                                              \
        double tu_a_ = (a), tu_b_ = (b);                                              \
        ck_assert_msg(fabs(tu_a_ - tu_b_) <= (atol) + (rtol) * fabs(tu_b_),           \
                      "index %zu: got %.9g, want %.9g", (size_t)(idx), tu_a_, tu_b_); \
    } while (0)

/* A fresh directory for a test's files, /tmp/aae-<tag>-XXXXXX, into dir
 * (64 bytes), and its removal with everything in it. */
static inline void tu_make_tmpdir(char *dir, const char *tag)
{
    snprintf(dir, 64, "/tmp/aae-%s-XXXXXX", tag);
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static inline void tu_remove_tmpdir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* dir/name, in one of 16 rotating buffers (so a call's arguments may hold
 * several). */
static inline const char *tu_in_dir(const char *dir, const char *name)
{
    static char path[16][512];
    static int which;
    which = (which + 1) % 16;
    snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
    return path[which];
}

#define TU_ASSERT_OK(expr)                                                  \
    do {                                                                    \
        aae_status tu_st_ = (expr);                                         \
        ck_assert_msg(tu_st_ == AAE_OK, "%s -> %s: %s", #expr,              \
                      aae_status_name(tu_st_), aae_last_error());           \
    } while (0)

#endif
