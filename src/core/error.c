#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[512];

aae_status aaei_fail(aae_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}

aae_status aaei_context(aae_status status, const char *fn)
{
    size_t n = strlen(fn);
    if (status == AAE_OK || (strncmp(last_error, fn, n) == 0 && last_error[n] == ':')) return status;
    if (n + 2 >= sizeof last_error) return status;
    /* Shift the message right (truncating its end) and write "fn: ". */
    size_t len = strlen(last_error), keep = sizeof last_error - 1 - (n + 2);
    if (len > keep) len = keep;
    memmove(last_error + n + 2, last_error, len);
    last_error[n + 2 + len] = '\0';
    memcpy(last_error, fn, n);
    last_error[n] = ':';
    last_error[n + 1] = ' ';
    return status;
}

void aaei_hook_begin(void) { last_error[0] = '\0'; }

aae_status aaei_hook_end(aae_status status, const char *what)
{
    if (status == AAE_OK) return status;
    if (!last_error[0]) snprintf(last_error, sizeof last_error, "%s", aae_status_string(status));
    return aaei_context(status, what);
}

AAE_API aae_status aae_set_error(aae_status status, const char *message)
{
    snprintf(last_error, sizeof last_error, "%s", message ? message : "");
    return status;
}

AAE_API const char *aae_last_error(void) { return last_error; }

AAE_API void aae_clear_error(void) { last_error[0] = '\0'; }

AAE_API const char *aae_status_string(aae_status status)
{
    switch (status) {
    case AAE_OK: return "success";
    case AAE_ERR_INVALID_ARGUMENT: return "invalid argument";
    case AAE_ERR_NOMEM: return "out of memory";
    case AAE_ERR_IO: return "input/output error";
    case AAE_ERR_FORMAT: return "malformed data";
    case AAE_ERR_VERSION: return "unsupported format version";
    case AAE_ERR_STATE: return "call not valid in this state";
    case AAE_ERR_DIVERGED: return "training diverged (NaN or Inf)";
    case AAE_ERR_UNSUPPORTED: return "not supported by this build";
    case AAE_ERR_BUSY: return "handle in use by another thread";
    case AAE_ERR_CANCELLED: return "cancelled by a callback";
    }
    return "unknown status";
}
