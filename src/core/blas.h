/* The CBLAS header of the BLAS chosen at build time (see Makefile BLAS=). */
#ifndef AAEI_BLAS_H
#define AAEI_BLAS_H

#if defined(AAE_BLAS_REFERENCE)
#include <cblas-netlib.h>
#else
#include <cblas.h>
#endif

#endif
