#include "core/crc32.h"

#include <pthread.h>

/* Slicing-by-8 (eight table lookups per 8 bytes): a 43 MB checkpoint is
 * checksummed in tens of milliseconds instead of hundreds. The tables are
 * built once, by whichever thread gets here first. */
static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++) table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

uint32_t aaei_crc32(const uint8_t *data, size_t n) { return aaei_crc32_update(0, data, n); }

uint32_t aaei_crc32_update(uint32_t crc, const uint8_t *data, size_t n)
{
    pthread_once(&table_once, build_table);
    uint32_t c = ~crc;
    for (; n >= 8; n -= 8, data += 8) {
        uint32_t lo = c ^ ((uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                           (uint32_t)data[3] << 24);
        c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^
            table[4][lo >> 24] ^ table[3][data[4]] ^ table[2][data[5]] ^ table[1][data[6]] ^
            table[0][data[7]];
    }
    while (n--) c = (c >> 8) ^ table[0][(c ^ *data++) & 0xff];
    return ~c;
}
