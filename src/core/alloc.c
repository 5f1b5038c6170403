#include "core/alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Test seam counters. Atomic: separate models may build and train in
 * separate threads at once. */
static atomic_long fail_countdown;
static atomic_ulong alloc_count;

int aaei_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *out = a * b;
    return 1;
}

int aaei_add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a) return 0;
    *out = a + b;
    return 1;
}

void aaei_alloc_fail_after(long n) { atomic_store(&fail_countdown, n > 0 ? n : 0); }

unsigned long aaei_alloc_count(void) { return atomic_load_explicit(&alloc_count, memory_order_relaxed); }

/* Returns 0 when the seam says this allocation must fail. */
static int allowed(void)
{
    atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed);
    long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    while (c > 0)
        if (atomic_compare_exchange_weak(&fail_countdown, &c, c - 1)) return c != 1;
    return 1;
}

static void *fail_nomem(const char *what, size_t count, size_t size)
{
    aaei_fail(AAE_ERR_NOMEM, "out of memory allocating %s (%zu x %zu bytes)",
              what, count, size);
    return NULL;
}

void *aaei_malloc(size_t count, size_t size, const char *what)
{
    size_t bytes;
    if (!aaei_mul_size(count, size, &bytes) || !allowed())
        return fail_nomem(what, count, size);
    void *p = malloc(bytes ? bytes : 1);
    return p ? p : fail_nomem(what, count, size);
}

void *aaei_calloc(size_t count, size_t size, const char *what)
{
    size_t bytes;
    if (!aaei_mul_size(count, size, &bytes) || !allowed())
        return fail_nomem(what, count, size);
    void *p = calloc(bytes ? count : 1, bytes ? size : 1);
    return p ? p : fail_nomem(what, count, size);
}

void *aaei_realloc(void *ptr, size_t count, size_t size, const char *what)
{
    size_t bytes;
    if (!aaei_mul_size(count, size, &bytes) || !allowed())
        return fail_nomem(what, count, size);
    void *p = realloc(ptr, bytes ? bytes : 1);
    return p ? p : fail_nomem(what, count, size);
}

void aaei_free(void *ptr) { free(ptr); }
