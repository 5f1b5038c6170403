/* libFuzzer target: the IDX reader on arbitrary bytes, as an images file
 * (2 to 255 dimensions) and as a labels file (1 dimension). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/alloc.h"
#include "io/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int dims[2][2] = {{2, 255}, {1, 1}};
    for (int k = 0; k < 2 && size > 0; k++) {
        FILE *f = fmemopen((void *)data, size, "rb");
        if (!f) return 0;
        uint8_t *bytes = NULL;
        size_t count = 0, item = 0;
        if (aaei_idx_read_stream(f, size, "fuzz", dims[k][0], dims[k][1], &bytes, &count, &item) == AAE_OK) {
            /* What was read is exactly what the header promised. */
            if (count * item + 4 + 4 * (size_t)data[3] != size) __builtin_trap();
            aaei_free(bytes);
        }
        fclose(f);
    }
    return 0;
}
