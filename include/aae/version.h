/** @file version.h
 * libaae's version: the header's macros and the runtime library's answer,
 * so a program can refuse a library older than the header it was built
 * with. Included by aae.h; see there for the ABI promise. */
#ifndef AAE_VERSION_H
#define AAE_VERSION_H

#define AAE_VERSION_MAJOR 0
#define AAE_VERSION_MINOR 1
#define AAE_VERSION_PATCH 0

/* One integer that orders releases: MAJOR*10000 + MINOR*100 + PATCH. */
#define AAE_VERSION_NUMBER \
    (AAE_VERSION_MAJOR * 10000 + AAE_VERSION_MINOR * 100 + AAE_VERSION_PATCH)

#define AAE_STRINGIFY_(x) #x
#define AAE_STRINGIFY(x) AAE_STRINGIFY_(x)
#define AAE_VERSION_STRING                                             \
    AAE_STRINGIFY(AAE_VERSION_MAJOR) "." AAE_STRINGIFY(AAE_VERSION_MINOR) \
    "." AAE_STRINGIFY(AAE_VERSION_PATCH)

/* Visibility of the library's functions (defined here, first, for every
 * libaae header). */
#if defined(_WIN32) && defined(AAE_BUILDING)
#define AAE_API __declspec(dllexport)
#elif defined(__GNUC__) && defined(AAE_BUILDING)
#define AAE_API __attribute__((visibility("default")))
#else
#define AAE_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** The runtime library's AAE_VERSION_NUMBER, to compare with the header's.
 * Safe from any thread. */
AAE_API unsigned aae_version(void);

/** The runtime library's version as "MAJOR.MINOR.PATCH". Static storage;
 * safe from any thread. */
AAE_API const char *aae_version_string(void);

#ifdef __cplusplus
}
#endif

#endif
