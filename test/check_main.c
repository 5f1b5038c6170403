/* Runs every Check suite; exits non-zero if any test fails. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

int main(void)
{
    SRunner *sr = srunner_create(suite_core());
    srunner_add_suite(sr, suite_api());
    srunner_add_suite(sr, suite_gradcheck());
    srunner_add_suite(sr, suite_optim());
    srunner_add_suite(sr, suite_golden());
    srunner_add_suite(sr, suite_determinism());
    srunner_add_suite(sr, suite_model());
    srunner_add_suite(sr, suite_trainer());
    srunner_add_suite(sr, suite_checkpoint());
    srunner_add_suite(sr, suite_checkpoint_hostile());
    srunner_add_suite(sr, suite_dataset());
    srunner_add_suite(sr, suite_prior());
    srunner_add_suite(sr, suite_examples());
    srunner_add_suite(sr, suite_cli());
    srunner_add_suite(sr, suite_fuzz_replay());
    srunner_add_suite(sr, suite_threads());
    srunner_add_suite(sr, suite_faults());
    srunner_add_suite(sr, suite_hostile());
    srunner_add_suite(sr, suite_parallel());
    srunner_add_suite(sr, suite_reentry());
    srunner_add_suite(sr, suite_phases());
    srunner_add_suite(sr, suite_recipe_options());
    srunner_add_suite(sr, suite_transaction());
    srunner_add_suite(sr, suite_enum_names());
    srunner_add_suite(sr, suite_allocator());
    srunner_add_suite(sr, suite_zdisc_sees_y());
    printf("libaae %s, BLAS: %s\n", aae_version_string(), aae_blas_info());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
