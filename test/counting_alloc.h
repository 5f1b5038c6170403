/* A counting allocator for aae_set_allocator tests: it records every block
 * it hands out (a hash set of pointers), so a free of a block it did not
 * allocate is caught, and it can fail its n-th allocation. */
#ifndef AAE_TEST_COUNTING_ALLOC_H
#define AAE_TEST_COUNTING_ALLOC_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aae/aae.h"

enum { CA_SLOTS = 1 << 18 };

typedef struct counting_alloc {
    pthread_mutex_t lock;
    void **slots;               /* open addressing; (void *)1 marks a removed entry */
    unsigned long mallocs, reallocs, frees, live, foreign_frees;
    unsigned long fail_at;      /* fail the allocation with this number (1-based); 0: never */
} counting_alloc;

static inline size_t ca_hash(const void *p) { return (size_t)(((uintptr_t)p >> 4) * 2654435761u) % CA_SLOTS; }

static inline void ca_insert(counting_alloc *c, void *p)
{
    size_t i = ca_hash(p);
    while (c->slots[i] && c->slots[i] != (void *)1) i = (i + 1) % CA_SLOTS;
    c->slots[i] = p;
    c->live++;
}

/* Removes p; 0 if it was not there. */
static inline int ca_remove(counting_alloc *c, void *p)
{
    for (size_t i = ca_hash(p); c->slots[i]; i = (i + 1) % CA_SLOTS)
        if (c->slots[i] == p) {
            c->slots[i] = (void *)1;
            c->live--;
            return 1;
        }
    return 0;
}

static inline int ca_fails(counting_alloc *c)
{
    return c->fail_at && c->mallocs + c->reallocs == c->fail_at;
}

static inline void *ca_malloc(void *ctx, size_t size)
{
    counting_alloc *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->mallocs++;
    void *p = ca_fails(c) ? NULL : malloc(size);
    if (p) ca_insert(c, p);
    pthread_mutex_unlock(&c->lock);
    return p;
}

static inline void *ca_realloc(void *ctx, void *ptr, size_t size)
{
    counting_alloc *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->reallocs++;
    void *p = NULL;
    if (ptr && !ca_remove(c, ptr)) {
        c->foreign_frees++; /* never hand a block we did not make to realloc */
    } else if (ca_fails(c)) {
        if (ptr) ca_insert(c, ptr);
    } else {
        p = realloc(ptr, size);
        if (p) ca_insert(c, p);
        else if (ptr) ca_insert(c, ptr);
    }
    pthread_mutex_unlock(&c->lock);
    return p;
}

static inline void ca_free(void *ctx, void *ptr)
{
    counting_alloc *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->frees++;
    if (ca_remove(c, ptr)) free(ptr);
    else c->foreign_frees++;
    if (c->live == 0) memset(c->slots, 0, CA_SLOTS * sizeof(void *)); /* drop the removed marks */
    pthread_mutex_unlock(&c->lock);
}

static inline void ca_init(counting_alloc *c)
{
    *c = (counting_alloc){.slots = calloc(CA_SLOTS, sizeof(void *))};
    pthread_mutex_init(&c->lock, NULL);
}

static inline void ca_destroy(counting_alloc *c)
{
    pthread_mutex_destroy(&c->lock);
    free(c->slots);
}

static inline aae_status ca_install(counting_alloc *c)
{
    return aae_set_allocator(ca_malloc, ca_realloc, ca_free, c);
}

#endif
