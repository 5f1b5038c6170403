#include "core/crc32.h"

uint32_t aaei_crc32(const uint8_t *data, size_t n)
{
    /* Bitwise: checkpoints are small next to training, and no table means
     * no initialization race between threads. */
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= data[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}
