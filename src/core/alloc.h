/* The one allocation seam: every heap allocation of the library goes here
 * (to the embedder's allocator once aae_set_allocator installed one), sizes
 * are overflow-checked, and tests can make the N-th allocation fail. */
#ifndef AAEI_ALLOC_H
#define AAEI_ALLOC_H

#include <stddef.h>

#include "aae/aae.h"

/* *out = a * b; returns 0 on overflow. */
int aaei_mul_size(size_t a, size_t b, size_t *out);
/* *out = a + b; returns 0 on overflow. */
int aaei_add_size(size_t a, size_t b, size_t *out);

/* Allocate count * size bytes (zeroed for calloc). On failure or overflow
 * they record a message naming `what` and return NULL. */
void *aaei_malloc(size_t count, size_t size, const char *what);
void *aaei_calloc(size_t count, size_t size, const char *what);
/* Resize to count * size bytes; on failure the old block stays valid. */
void *aaei_realloc(void *ptr, size_t count, size_t size, const char *what);
void aaei_free(void *ptr);

/* Test seam: the n-th allocation from now fails (n >= 1); 0 disables. */
void aaei_alloc_fail_after(long n);
/* Number of allocations made so far (for "no allocation after warm-up"). */
unsigned long aaei_alloc_count(void);

#endif
