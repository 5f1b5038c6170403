/* Internal error reporting: set the thread-local message and return a status. */
#ifndef AAEI_ERROR_H
#define AAEI_ERROR_H

#include "aae/aae.h"

#if defined(__GNUC__)
#define AAEI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define AAEI_PRINTF(f, a)
#endif

/* Records a formatted message for aae_last_error() and returns `status`. */
aae_status aaei_fail(aae_status status, const char *fmt, ...) AAEI_PRINTF(2, 3);

/* Puts "fn: " in front of the message of a failed `status` (once) and
 * returns it: for public functions whose internals do not know their name. */
aae_status aaei_context(aae_status status, const char *fn);

/* Around a call of a user hook: begin clears the message so that end can
 * tell whether the hook explained a failure (aae_set_error); end keeps that
 * explanation, or the status's description, behind "what: ". */
void aaei_hook_begin(void);
aae_status aaei_hook_end(aae_status status, const char *what);

/* Returns AAE_ERR_INVALID_ARGUMENT with a message unless `cond` holds. */
#define AAEI_REQUIRE(cond, ...)                                          \
    do {                                                                 \
        if (!(cond)) return aaei_fail(AAE_ERR_INVALID_ARGUMENT, __VA_ARGS__); \
    } while (0)

/* Propagates a non-OK status. */
#define AAEI_TRY(expr)                     \
    do {                                   \
        aae_status aaei_st_ = (expr);      \
        if (aaei_st_ != AAE_OK) return aaei_st_; \
    } while (0)

#endif
