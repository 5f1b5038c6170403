/* Version queries and the BLAS thread control. */
#include <stdio.h>

#include "core/blas.h"
#include "core/error.h"

AAE_API unsigned aae_version(void) { return AAE_VERSION_NUMBER; }

AAE_API const char *aae_version_string(void) { return AAE_VERSION_STRING; }

#if defined(AAE_BLAS_OPENBLAS)

AAE_API const char *aae_blas_info(void)
{
    static _Thread_local char info[96];
    snprintf(info, sizeof info, "openblas %s", openblas_get_corename());
    return info;
}

AAE_API aae_status aae_set_num_threads(int n)
{
    AAEI_REQUIRE(n >= 1 && n <= 1024, "aae_set_num_threads: n = %d, must be in [1, 1024]", n);
    openblas_set_num_threads(n);
    return AAE_OK;
}

AAE_API int aae_get_num_threads(void) { return openblas_get_num_threads(); }

#else

AAE_API const char *aae_blas_info(void) { return "reference"; }

AAE_API aae_status aae_set_num_threads(int n)
{
    AAEI_REQUIRE(n >= 1 && n <= 1024, "aae_set_num_threads: n = %d, must be in [1, 1024]", n);
    if (n != 1)
        return aaei_fail(AAE_ERR_UNSUPPORTED,
                         "aae_set_num_threads: this build's BLAS (reference) is single-threaded");
    return AAE_OK;
}

AAE_API int aae_get_num_threads(void) { return 1; }

#endif
