/* The enum name lookup (aae_enum_*): every member round-trips, short and
 * any-case names resolve, bad input is refused and changes nothing, and the
 * generated table holds exactly what a compile of the header knows. */
#include <string.h>

#include "model/options.h"
#include "test_util.h"

START_TEST(every_member_round_trips)
{
    size_t types = 0, members = 0;
    for (const char *type; (type = aae_enum_type(types)) != NULL; types++) {
        ck_assert_ptr_null(aae_enum_name(type, -12345));
        for (size_t i = 0;; i++) {
            const char *name = NULL;
            int value = -1, back = -1;
            if (aae_enum_member(type, i, &name, &value) != AAE_OK) {
                ck_assert_uint_gt(i, 0);
                break;
            }
            members++;
            ck_assert_msg(strncmp(name, "AAE_", 4) == 0, "%s: %s", type, name);
            ck_assert_msg(strlen(name) < 6 || strcmp(name + strlen(name) - 6, "_COUNT") != 0, "%s", name);
            TU_ASSERT_OK(aae_enum_value(type, name, &back));
            ck_assert_int_eq(back, value);
            ck_assert_str_eq(aae_enum_name(type, value), name); /* so no two members share a value */
        }
        for (size_t k = 0; k < types; k++) ck_assert_str_ne(aae_enum_type(k), type);
    }
    ck_assert_uint_ge(types, 25);
    ck_assert_uint_ge(members, 140);
}
END_TEST

START_TEST(short_and_any_case_names)
{
    static const struct {
        const char *type, *name;
        int value;
    } cases[] = {
        {"aae_option", "z_width", AAE_OPTION_Z_WIDTH},
        {"aae_option", "Z_WIDTH", AAE_OPTION_Z_WIDTH},
        {"aae_option", "aae_option_z_width", AAE_OPTION_Z_WIDTH},
        {"aae_option", "init_std", AAE_OPTION_INIT_STD},
        {"aae_decoder_input_kind", "z", AAE_DECODE_Z},
        {"aae_decoder_input_kind", "z_label", AAE_DECODE_Z_LABEL},
        {"aae_decoder_input_kind", "Z_Y", AAE_DECODE_Z_Y},
        {"aae_status", "ok", AAE_OK},
        {"aae_status", "err_nomem", AAE_ERR_NOMEM},
        {"aae_ownership", "copy_finite", AAE_COPY_FINITE},
        {"aae_preset", "semi_supervised_aae", AAE_PRESET_SEMI_SUPERVISED_AAE},
        {"aae_activation", "leaky_relu", AAE_ACT_LEAKY_RELU},
        {"aae_prior_kind", "swiss_roll", AAE_PRIOR_SWISS_ROLL},
        {"aae_trainer_param", "threads", AAE_TRAIN_THREADS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int v = -1;
        TU_ASSERT_OK(aae_enum_value(cases[i].type, cases[i].name, &v));
        ck_assert_msg(v == cases[i].value, "%s %s: %d", cases[i].type, cases[i].name, v);
    }
    ck_assert_str_eq(aae_enum_name("aae_option", AAE_OPTION_Z_WIDTH), "AAE_OPTION_Z_WIDTH");
    ck_assert_str_eq(aae_enum_name("aae_phase", AAE_PHASE_GENERATOR), "AAE_PHASE_GENERATOR");
    ck_assert_str_eq(aae_enum_type(0), "aae_status");
    ck_assert_str_eq(aae_status_name(AAE_ERR_BUSY), "AAE_ERR_BUSY");
    ck_assert_str_eq(aae_status_name((aae_status)999), "AAE_ERR_UNKNOWN");
}
END_TEST

START_TEST(bad_input_is_refused_and_changes_nothing)
{
    const char *name = "untouched";
    int value = 77;
    ck_assert_int_eq(aae_enum_value("aae_option", "no_such", &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_option"));
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "no_such"));
    /* A prefix is not a name; neither is a name of another enum. */
    ck_assert_int_eq(aae_enum_value("aae_option", "AAE_OPTION_", &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_enum_value("aae_option", "", &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_enum_value("aae_option", "relu", &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_enum_value("aae_nope", "relu", &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_nope"));
    ck_assert_int_eq(aae_enum_value(NULL, "relu", &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_enum_value("aae_activation", NULL, &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_enum_value("aae_activation", "relu", NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_enum_member("aae_nope", 0, &name, &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_enum_member(NULL, 0, &name, &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_enum_member("aae_mode", 2, &name, &value), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_str_eq(name, "untouched");
    ck_assert_int_eq(value, 77);
    ck_assert_ptr_null(aae_enum_name("aae_nope", 0));
    ck_assert_ptr_null(aae_enum_name(NULL, 0));
    ck_assert_ptr_null(aae_enum_name("aae_option", 0));
    ck_assert_ptr_null(aae_enum_type((size_t)-1));
}
END_TEST

static size_t count(const char *type, int *max)
{
    size_t n = 0;
    int v;
    *max = -1;
    while (aae_enum_member(type, n, NULL, &v) == AAE_OK) {
        if (v > *max) *max = v;
        n++;
    }
    return n;
}

/* What the compiler knows, against the generated table. */
START_TEST(table_matches_the_compiled_header)
{
    int max;
    ck_assert_uint_eq(count("aae_option", &max), AAEI_OPTION_LAST);
    ck_assert_int_eq(max, AAEI_OPTION_LAST);
    ck_assert_int_eq(max, AAE_OPTION_Z_DISC_SEES_Y);
    ck_assert_uint_eq(count("aae_metric", &max), AAE_METRIC_COUNT);
    ck_assert_int_eq(max, AAE_METRIC_COUNT - 1);
    ck_assert_uint_eq(count("aae_loss_slot", &max), AAE_SLOT_COUNT);
    ck_assert_int_eq(max, AAE_SLOT_COUNT - 1);
    ck_assert_uint_eq(count("aae_phase", &max), AAEI_PHASES);
    ck_assert_uint_eq(count("aae_part", &max), AAEI_PARTS);
#define M(x) {#x, x}
    static const struct {
        const char *name;
        int value;
    } status[] = {M(AAE_OK), M(AAE_ERR_INVALID_ARGUMENT), M(AAE_ERR_NOMEM), M(AAE_ERR_IO),
                  M(AAE_ERR_FORMAT), M(AAE_ERR_VERSION), M(AAE_ERR_STATE), M(AAE_ERR_DIVERGED),
                  M(AAE_ERR_UNSUPPORTED), M(AAE_ERR_BUSY), M(AAE_ERR_CANCELLED)};
#undef M
    ck_assert_uint_eq(count("aae_status", &max), sizeof status / sizeof *status);
    for (size_t i = 0; i < sizeof status / sizeof *status; i++) {
        const char *name;
        int value;
        TU_ASSERT_OK(aae_enum_member("aae_status", i, &name, &value));
        ck_assert_str_eq(name, status[i].name);
        ck_assert_int_eq(value, status[i].value);
    }
    /* Every option the header names has a range (options.c's table). */
    for (int k = 1; k <= max; k++) {
        double lo, hi;
        TU_ASSERT_OK(aae_option_bounds((aae_option)k, &lo, &hi));
        ck_assert_msg(hi > lo, "%s has no range", aae_enum_name("aae_option", k));
    }
}
END_TEST

Suite *suite_enum_names(void)
{
    Suite *s = suite_create("enum_names");
    TCase *tc = tcase_create("lookup");
    tcase_add_test(tc, every_member_round_trips);
    tcase_add_test(tc, short_and_any_case_names);
    tcase_add_test(tc, bad_input_is_refused_and_changes_nothing);
    tcase_add_test(tc, table_matches_the_compiled_header);
    suite_add_tcase(s, tc);
    return s;
}
