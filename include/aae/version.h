/** @file version.h
 * libaae version macros. Included by aae.h; see there for the ABI promise. */
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

#endif
