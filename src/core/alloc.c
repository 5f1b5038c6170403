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

/* The embedder's allocator (aae_set_allocator); NULL: the C library's.
 * Published whole through one atomic pointer to one of two slots, so a
 * reader never sees half of a change. `live` counts blocks not yet freed,
 * so the allocator is changed only while none is. */
typedef struct hooks {
    aae_malloc_fn malloc_fn;
    aae_realloc_fn realloc_fn;
    aae_free_fn free_fn;
    void *ctx;
} hooks;
static hooks slots[2];
static _Atomic(const hooks *) current;
static atomic_long live;
static atomic_flag changing = ATOMIC_FLAG_INIT;

static const hooks *installed(void) { return atomic_load_explicit(&current, memory_order_acquire); }

static void *counted(void *p)
{
    if (p) atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
    return p;
}

void *aaei_malloc(size_t count, size_t size, const char *what)
{
    size_t bytes;
    if (!aaei_mul_size(count, size, &bytes) || !allowed())
        return fail_nomem(what, count, size);
    const hooks *h = installed();
    void *p = counted(h ? h->malloc_fn(h->ctx, bytes ? bytes : 1) : malloc(bytes ? bytes : 1));
    return p ? p : fail_nomem(what, count, size);
}

void *aaei_calloc(size_t count, size_t size, const char *what)
{
    size_t bytes;
    if (!aaei_mul_size(count, size, &bytes) || !allowed())
        return fail_nomem(what, count, size);
    const hooks *h = installed();
    void *p;
    if (h) {
        p = counted(h->malloc_fn(h->ctx, bytes ? bytes : 1));
        if (p) memset(p, 0, bytes ? bytes : 1);
    } else {
        p = counted(calloc(bytes ? count : 1, bytes ? size : 1));
    }
    return p ? p : fail_nomem(what, count, size);
}

void *aaei_realloc(void *ptr, size_t count, size_t size, const char *what)
{
    size_t bytes;
    if (!aaei_mul_size(count, size, &bytes) || !allowed())
        return fail_nomem(what, count, size);
    const hooks *h = installed();
    void *p = h ? h->realloc_fn(h->ctx, ptr, bytes ? bytes : 1) : realloc(ptr, bytes ? bytes : 1);
    if (!p) return fail_nomem(what, count, size);
    return ptr ? p : counted(p);
}

void aaei_free(void *ptr)
{
    if (!ptr) return;
    atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
    const hooks *h = installed();
    if (h)
        h->free_fn(h->ctx, ptr);
    else
        free(ptr);
}

AAE_API aae_status aae_set_allocator(aae_malloc_fn malloc_fn, aae_realloc_fn realloc_fn, aae_free_fn free_fn,
                                     void *ctx)
{
    int given = (malloc_fn != NULL) + (realloc_fn != NULL) + (free_fn != NULL);
    AAEI_REQUIRE(given == 0 || given == 3,
                 "aae_set_allocator: give malloc_fn, realloc_fn and free_fn, or none of them "
                 "(the C library's), not %d of 3", given);
    if (atomic_flag_test_and_set_explicit(&changing, memory_order_acquire))
        return aaei_fail(AAE_ERR_BUSY, "aae_set_allocator: another thread is changing the allocator");
    long n = atomic_load_explicit(&live, memory_order_relaxed);
    aae_status st = AAE_OK;
    if (n != 0) {
        st = aaei_fail(AAE_ERR_STATE,
                       "aae_set_allocator: %ld blocks allocated through the current allocator are "
                       "still live: free every handle first",
                       n);
    } else if (given == 0) {
        atomic_store_explicit(&current, NULL, memory_order_release);
    } else {
        /* The slot not in use: a reader of the current one is undisturbed. */
        hooks *slot = installed() == &slots[0] ? &slots[1] : &slots[0];
        *slot = (hooks){malloc_fn, realloc_fn, free_fn, ctx};
        atomic_store_explicit(&current, slot, memory_order_release);
    }
    atomic_flag_clear_explicit(&changing, memory_order_release);
    return st;
}
