/* Names of the public enums' members, generated from aae.h at build time
 * (scripts/enum-table.sh), and aae_status_name, which reads them. */
#include <stddef.h>
#include <string.h>

#include "core/error.h"

static const struct {
    const char *type, *name;
    int value;
} table[] = {
#include "enum_table.inc"
};
enum { ENTRIES = sizeof table / sizeof *table };

/* The first entry of `type` and its member count (0 if unknown). */
static size_t find_type(const char *type, size_t *count)
{
    size_t i = 0;
    while (type && i < ENTRIES && strcmp(table[i].type, type) != 0) i++;
    size_t n = 0;
    while (i + n < ENTRIES && type && strcmp(table[i + n].type, type) == 0) n++;
    *count = n;
    return i;
}

/* Length of the members' longest common prefix, cut after its last '_'. */
static size_t prefix_length(size_t first, size_t count)
{
    const char *a = table[first].name;
    size_t len = strlen(a);
    for (size_t k = 1; k < count; k++) {
        const char *b = table[first + k].name;
        size_t j = 0;
        while (j < len && a[j] == b[j]) j++;
        len = j;
    }
    while (len > 0 && a[len - 1] != '_') len--;
    return len;
}

static int same_ignoring_case(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 'a' + 'A') : *a;
        char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 'a' + 'A') : *b;
        if (x != y) return 0;
        if (!x) return 1;
    }
}

AAE_API const char *aae_enum_type(size_t index)
{
    for (size_t i = 0; i < ENTRIES; i++) {
        if (i > 0 && strcmp(table[i].type, table[i - 1].type) == 0) continue;
        if (index-- == 0) return table[i].type;
    }
    return NULL;
}

AAE_API aae_status aae_enum_member(const char *type, size_t index, const char **name, int *value)
{
    size_t count, first = find_type(type, &count);
    AAEI_REQUIRE(count > 0, "aae_enum_member: unknown enum type \"%s\"", type ? type : "(null)");
    AAEI_REQUIRE(index < count, "aae_enum_member: %s has %zu members, no index %zu", type, count, index);
    if (name) *name = table[first + index].name;
    if (value) *value = table[first + index].value;
    return AAE_OK;
}

AAE_API const char *aae_enum_name(const char *type, int value)
{
    size_t count, first = find_type(type, &count);
    for (size_t k = 0; k < count; k++)
        if (table[first + k].value == value) return table[first + k].name;
    return NULL;
}

AAE_API aae_status aae_enum_value(const char *type, const char *name, int *value)
{
    size_t count, first = find_type(type, &count);
    AAEI_REQUIRE(count > 0, "aae_enum_value: unknown enum type \"%s\"", type ? type : "(null)");
    AAEI_REQUIRE(name != NULL, "aae_enum_value: name is NULL");
    AAEI_REQUIRE(value != NULL, "aae_enum_value: value is NULL");
    size_t cut = prefix_length(first, count);
    for (size_t k = 0; k < count; k++) {
        const char *full = table[first + k].name;
        if (same_ignoring_case(name, full) || same_ignoring_case(name, full + cut)) {
            *value = table[first + k].value;
            return AAE_OK;
        }
    }
    return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "aae_enum_value: %s has no member \"%s\"", type, name);
}

AAE_API const char *aae_status_name(aae_status status)
{
    const char *name = aae_enum_name("aae_status", (int)status);
    return name ? name : "AAE_ERR_UNKNOWN";
}
