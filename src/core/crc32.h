/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib's crc32. */
#ifndef AAEI_CRC32_H
#define AAEI_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t aaei_crc32(const uint8_t *data, size_t n);
/* The CRC of the bytes behind `crc` (the CRC so far, 0 at the start) and
 * then data: zlib's crc32(crc, data, n), for data read piece by piece. */
uint32_t aaei_crc32_update(uint32_t crc, const uint8_t *data, size_t n);

#endif
