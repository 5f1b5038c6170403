/* Checkpoint serialization: little-endian, tagged sections with lengths,
 * CRC-32 at the end. Written field by field (never a struct memcpy) so the
 * bytes are the same on every platform. */
#include "io/checkpoint.h"

#include <math.h>
#include <string.h>

#include "core/crc32.h"
#include "core/error.h"

static const uint8_t MAGIC[8] = {'A', 'A', 'E', 'M', 'O', 'D', 'E', 'L'};

/* ---- writing: a cursor that only counts when buf is NULL ---- */

typedef struct wr {
    uint8_t *buf;
    size_t n;
} wr;

static void put(wr *w, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        if (w->buf) w->buf[w->n + (size_t)i] = (uint8_t)(v >> (8 * i));
    w->n += (size_t)bytes;
}
static void put_u32(wr *w, uint32_t v) { put(w, v, 4); }
static void put_u64(wr *w, uint64_t v) { put(w, v, 8); }
static void put_f32(wr *w, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    put(w, u, 4);
}
static void put_f64(wr *w, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    put(w, u, 8);
}
static void put_floats(wr *w, const float *p, size_t n)
{
    for (size_t i = 0; i < n; i++) put_f32(w, p[i]);
}

/* Section header; returns where the length goes, patched by end_section. */
static size_t begin_section(wr *w, const char tag[4])
{
    for (int i = 0; i < 4; i++) put(w, (uint8_t)tag[i], 1);
    size_t at = w->n;
    put_u64(w, 0);
    return at;
}
static void end_section(wr *w, size_t at)
{
    uint64_t len = w->n - at - 8;
    if (w->buf)
        for (int i = 0; i < 8; i++) w->buf[at + (size_t)i] = (uint8_t)(len >> (8 * i));
}

/* The networks in file order; absent ones are NULL. */
static void nets_of(const aae_model *m, const aae_net *nets[5])
{
    nets[0] = &m->enc;
    nets[1] = &m->dec;
    nets[2] = m->has_cls ? &m->cls : NULL;
    nets[3] = m->has_zdisc ? &m->zdisc : NULL;
    nets[4] = m->has_ydisc ? &m->ydisc : NULL;
}

static void write_options(wr *w, const aaei_options *o)
{
    put_u32(w, (uint32_t)o->preset);
    put_u32(w, AAEI_OPTION_LAST);
    for (uint32_t k = 1; k <= AAEI_OPTION_LAST; k++) {
        put_u32(w, k);
        put_f64(w, o->v[k]);
    }
    put_u32(w, AAEI_PARTS);
    for (int p = 0; p < AAEI_PARTS; p++) {
        const aaei_part_spec *s = &o->parts[p];
        put_u32(w, (uint32_t)s->nlayers);
        for (size_t i = 0; i < s->nlayers; i++) {
            put_u64(w, s->layers[i].width);
            put_u32(w, (uint32_t)s->layers[i].act);
            put_f32(w, s->layers[i].slope);
            put_u32(w, (uint32_t)s->layers[i].batchnorm);
            put_f32(w, s->layers[i].dropout);
        }
        const aaei_optim_config *c = &s->optim;
        put_u32(w, (uint32_t)c->kind);
        put_f64(w, c->lr);
        put_f64(w, c->momentum);
        put_f64(w, c->dampening);
        put_f64(w, c->weight_decay);
        put_f64(w, c->beta1);
        put_f64(w, c->beta2);
        put_f64(w, c->eps);
        put_u32(w, (uint32_t)c->nesterov);
    }
}

static void write_all(const aae_model *m, wr *w)
{
    const aae_net *nets[5];
    nets_of(m, nets);
    for (int i = 0; i < 8; i++) put(w, MAGIC[i], 1);
    put_u32(w, AAEI_FORMAT_VERSION);
    put_u32(w, 0);

    size_t at = begin_section(w, "OPTS");
    write_options(w, &m->opt);
    end_section(w, at);

    at = begin_section(w, "PARM");
    for (uint32_t i = 0; i < 5; i++)
        if (nets[i]) {
            put_u32(w, i);
            put_u64(w, nets[i]->nparams);
            put_floats(w, nets[i]->params, nets[i]->nparams);
        }
    end_section(w, at);

    at = begin_section(w, "STAT");
    for (uint32_t i = 0; i < 5; i++)
        if (nets[i] && nets[i]->nstate) {
            put_u32(w, i);
            put_u64(w, nets[i]->nstate);
            put_floats(w, nets[i]->state, nets[i]->nstate);
        }
    end_section(w, at);

    at = begin_section(w, "OPTM");
    for (uint32_t s = 0; s < AAEI_OPT_COUNT; s++) {
        const aaei_optim *o = &m->optims[s];
        if (!o->m) continue;
        put_u32(w, s);
        put_u64(w, o->steps);
        put_u64(w, o->n);
        put_u32(w, o->v != NULL);
        put_floats(w, o->m, o->n);
        if (o->v) put_floats(w, o->v, o->n);
    }
    end_section(w, at);

    at = begin_section(w, "STEP");
    put_u64(w, m->steps);
    end_section(w, at);

    uint32_t crc = w->buf ? aaei_crc32(w->buf, w->n) : 0;
    at = begin_section(w, "END ");
    put_u32(w, crc);
    end_section(w, at);
}

size_t aaei_checkpoint_size(const aae_model *m)
{
    wr w = {NULL, 0};
    write_all(m, &w);
    return w.n;
}

void aaei_checkpoint_write(const aae_model *m, uint8_t *buf)
{
    wr w = {buf, 0};
    write_all(m, &w);
}

/* ---- reading: every get is bounds-checked against the section ---- */

typedef struct rd {
    const uint8_t *p;
    size_t n, at;      /* section bytes, cursor */
    size_t base;       /* section offset in the file, for messages */
    const char *what;  /* section tag, for messages */
} rd;

static aae_status short_read(const rd *r, size_t need)
{
    return aaei_fail(AAE_ERR_FORMAT, "checkpoint section %s at offset %zu: needs %zu more bytes, has %zu",
                     r->what, r->base + r->at, need, r->n - r->at);
}

static aae_status get(rd *r, uint64_t *v, int bytes)
{
    *v = 0; /* defined even on failure */
    if (r->n - r->at < (size_t)bytes) return short_read(r, (size_t)bytes);
    uint64_t x = 0;
    for (int i = 0; i < bytes; i++) x |= (uint64_t)r->p[r->at + (size_t)i] << (8 * i);
    r->at += (size_t)bytes;
    *v = x;
    return AAE_OK;
}
static aae_status get_u32(rd *r, uint32_t *v)
{
    uint64_t x = 0;
    AAEI_TRY(get(r, &x, 4));
    *v = (uint32_t)x;
    return AAE_OK;
}
static aae_status get_u64(rd *r, uint64_t *v) { return get(r, v, 8); }
static aae_status get_f32(rd *r, float *f)
{
    uint64_t x = 0;
    AAEI_TRY(get(r, &x, 4));
    uint32_t u = (uint32_t)x;
    memcpy(f, &u, 4);
    return AAE_OK;
}
static aae_status get_f64(rd *r, double *d)
{
    uint64_t x = 0;
    AAEI_TRY(get(r, &x, 8));
    memcpy(d, &x, 8);
    return AAE_OK;
}
/* n floats, after checking the section really holds them. */
static aae_status get_floats(rd *r, float *dst, uint64_t n)
{
    if ((r->n - r->at) / 4 < n) return short_read(r, (size_t)(n > SIZE_MAX / 4 ? SIZE_MAX : n * 4));
    for (uint64_t i = 0; i < n; i++) AAEI_TRY(get_f32(r, &dst[i]));
    return AAE_OK;
}

static aae_status bad(const rd *r, const char *msg, uint64_t value)
{
    return aaei_fail(AAE_ERR_FORMAT, "checkpoint section %s at offset %zu: %s (%llu)", r->what,
                     r->base + r->at, msg, (unsigned long long)value);
}

static aae_status read_options(rd *r, aaei_options *o)
{
    uint32_t preset, count, parts;
    memset(o, 0, sizeof *o);
    AAEI_TRY(get_u32(r, &preset));
    if (preset < AAE_PRESET_AE || preset > AAE_PRESET_SEMI_SUPERVISED_AAE)
        return bad(r, "unknown preset", preset);
    o->preset = (aae_preset)preset;
    AAEI_TRY(get_u32(r, &count));
    for (uint32_t i = 0; i < count; i++) {
        uint32_t id;
        double v;
        AAEI_TRY(get_u32(r, &id));
        AAEI_TRY(get_f64(r, &v));
        /* Options this version does not know come from a newer writer of
         * the same format version: they are skipped. */
        if (id >= 1 && id <= AAEI_OPTION_LAST) o->v[id] = v;
    }
    AAEI_TRY(get_u32(r, &parts));
    if (parts != AAEI_PARTS) return bad(r, "wrong number of parts", parts);
    for (int p = 0; p < AAEI_PARTS; p++) {
        aaei_part_spec *s = &o->parts[p];
        uint32_t nl, act, bn, kind, nesterov;
        AAEI_TRY(get_u32(r, &nl));
        if (nl > AAEI_MAX_HIDDEN) return bad(r, "too many hidden layers", nl);
        s->nlayers = nl;
        for (uint32_t i = 0; i < nl; i++) {
            aaei_layer_spec *l = &s->layers[i];
            uint64_t width;
            AAEI_TRY(get_u64(r, &width));
            AAEI_TRY(get_u32(r, &act));
            AAEI_TRY(get_f32(r, &l->slope));
            AAEI_TRY(get_u32(r, &bn));
            AAEI_TRY(get_f32(r, &l->dropout));
            if (width < 1 || width > (1u << 24)) return bad(r, "layer width out of range", width);
            if (act > AAE_ACT_SOFTMAX) return bad(r, "unknown activation", act);
            if (bn > 1) return bad(r, "batch norm flag is not 0 or 1", bn);
            if (!isfinite(l->slope) || l->slope < 0.0f) return bad(r, "bad LeakyReLU slope", 0);
            if (!(l->dropout >= 0.0f && l->dropout < 1.0f)) return bad(r, "bad dropout", 0);
            l->width = (size_t)width;
            l->act = (aae_activation)act;
            l->batchnorm = (int)bn;
        }
        aaei_optim_config *c = &s->optim;
        AAEI_TRY(get_u32(r, &kind));
        if (kind != AAE_OPTIMIZER_SGD && kind != AAE_OPTIMIZER_ADAM)
            return bad(r, "unknown optimizer kind", kind);
        c->kind = (aae_optimizer_kind)kind;
        double *f[7] = {&c->lr, &c->momentum, &c->dampening, &c->weight_decay,
                        &c->beta1, &c->beta2, &c->eps};
        for (int i = 0; i < 7; i++) AAEI_TRY(get_f64(r, f[i]));
        AAEI_TRY(get_u32(r, &nesterov));
        if (nesterov > 1) return bad(r, "nesterov flag is not 0 or 1", nesterov);
        c->nesterov = (int)nesterov;
        static const aae_optimizer_param ids[7] = {AAE_OPT_LR, AAE_OPT_MOMENTUM, AAE_OPT_DAMPENING,
                                                   AAE_OPT_WEIGHT_DECAY, AAE_OPT_BETA1,
                                                   AAE_OPT_BETA2, AAE_OPT_EPS};
        for (int i = 0; i < 7; i++) {
            double lo, hi;
            aaei_optim_bounds(ids[i], &lo, &hi);
            if (!(*f[i] >= lo && *f[i] <= hi)) return bad(r, "optimizer setting out of range", (uint64_t)ids[i]);
        }
    }
    return AAE_OK;
}

/* PARM or STAT: each present network's array, counts checked. */
static aae_status read_arrays(rd *r, aae_model *m, int state)
{
    aae_net *nets[5] = {&m->enc, &m->dec, m->has_cls ? &m->cls : NULL,
                        m->has_zdisc ? &m->zdisc : NULL, m->has_ydisc ? &m->ydisc : NULL};
    int seen[5] = {0};
    while (r->at < r->n) {
        uint32_t id;
        uint64_t count;
        AAEI_TRY(get_u32(r, &id));
        AAEI_TRY(get_u64(r, &count));
        if (id >= 5 || !nets[id]) return bad(r, "network not in this model", id);
        if (seen[id]++) return bad(r, "network listed twice", id);
        size_t want = state ? nets[id]->nstate : nets[id]->nparams;
        if (count != want) return bad(r, "array length differs from the model's", count);
        AAEI_TRY(get_floats(r, state ? nets[id]->state : nets[id]->params, count));
    }
    for (int i = 0; i < 5; i++)
        if (nets[i] && !seen[i] && (state ? nets[i]->nstate : nets[i]->nparams))
            return bad(r, "a network of the model is missing", (uint64_t)i);
    return AAE_OK;
}

static aae_status read_optimizers(rd *r, aae_model *m)
{
    while (r->at < r->n) {
        uint32_t slot, has_v;
        uint64_t steps, n;
        AAEI_TRY(get_u32(r, &slot));
        AAEI_TRY(get_u64(r, &steps));
        AAEI_TRY(get_u64(r, &n));
        AAEI_TRY(get_u32(r, &has_v));
        if (slot >= AAEI_OPT_COUNT || !m->optims[slot].m) return bad(r, "optimizer not in this model", slot);
        aaei_optim *o = &m->optims[slot];
        if (n != o->n) return bad(r, "optimizer state length differs from the model's", n);
        if (has_v != (o->v != NULL)) return bad(r, "optimizer state kind differs", has_v);
        o->steps = steps;
        AAEI_TRY(get_floats(r, o->m, n));
        if (o->v) AAEI_TRY(get_floats(r, o->v, n));
    }
    return AAE_OK;
}

/* Finds a section; *r covers its payload. */
static aae_status find(const uint8_t *buf, size_t size, const char tag[4], rd *r)
{
    size_t at = 16;
    while (size - at >= 12) {
        uint64_t len = 0;
        for (int i = 0; i < 8; i++) len |= (uint64_t)buf[at + 4 + (size_t)i] << (8 * i);
        if (len > size - at - 12)
            return aaei_fail(AAE_ERR_FORMAT, "checkpoint section at offset %zu: length %llu runs past the end",
                             at, (unsigned long long)len);
        if (memcmp(buf + at, tag, 4) == 0) {
            r->p = buf + at + 12;
            r->n = (size_t)len;
            r->at = 0;
            r->base = at + 12;
            r->what = tag;
            return AAE_OK;
        }
        at += 12 + (size_t)len;
    }
    return aaei_fail(AAE_ERR_FORMAT, "checkpoint: required section %.4s is missing", tag);
}

static aae_status expect_end(const rd *r)
{
    if (r->at != r->n) return bad(r, "unread bytes at the end of the section", r->n - r->at);
    return AAE_OK;
}

aae_status aaei_checkpoint_read(const uint8_t *buf, size_t size, aae_model **out)
{
    if (size < 16 + 16 || memcmp(buf, MAGIC, 8) != 0)
        return aaei_fail(AAE_ERR_FORMAT, "not a libaae checkpoint (%s)",
                         size < 32 ? "too short" : "bad magic");
    uint32_t version = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
                       (uint32_t)buf[11] << 24;
    if (version > AAEI_FORMAT_VERSION || version == 0)
        return aaei_fail(AAE_ERR_VERSION,
                         "checkpoint format version %u; this library reads versions 1 to %u",
                         version, AAEI_FORMAT_VERSION);
    /* The last 16 bytes are the END section: tag, length 4, CRC of the rest. */
    const uint8_t *end = buf + size - 16;
    if (memcmp(end, "END ", 4) != 0 || end[4] != 4 || end[5] | end[6] | end[7] | end[8] | end[9] |
                                                           end[10] | end[11])
        return aaei_fail(AAE_ERR_FORMAT, "checkpoint: truncated (no END section at offset %zu)", size - 16);
    uint32_t crc = (uint32_t)end[12] | (uint32_t)end[13] << 8 | (uint32_t)end[14] << 16 |
                   (uint32_t)end[15] << 24;
    uint32_t actual = aaei_crc32(buf, size - 16);
#ifdef AAE_FUZZING
    /* The fuzzer cannot forge checksums: let it reach the fields behind. */
    actual = crc;
#endif
    if (crc != actual)
        return aaei_fail(AAE_ERR_FORMAT, "checkpoint: CRC-32 mismatch (stored %08x, computed %08x)",
                         crc, actual);
    size_t body = size - 16;
    rd r;
    aaei_options o;
    AAEI_TRY(find(buf, body, "OPTS", &r));
    AAEI_TRY(read_options(&r, &o));
    AAEI_TRY(expect_end(&r));
    /* Every parameter is stored in the file: options claiming more than it
     * holds are refused before anything that size is allocated. */
    AAEI_TRY(aaei_options_validate(&o));
    size_t claimed = aaei_model_param_floats(&o);
    if (claimed > body / sizeof(float))
        return aaei_fail(AAE_ERR_FORMAT, "checkpoint: options imply %zu parameters, the file holds %zu bytes",
                         claimed, size);
    aae_model *m;
    AAEI_TRY(aaei_model_create(&o, &m));
    aae_status st = find(buf, body, "PARM", &r);
    if (st == AAE_OK) st = read_arrays(&r, m, 0);
    if (st == AAE_OK) st = find(buf, body, "STAT", &r);
    if (st == AAE_OK) st = read_arrays(&r, m, 1);
    if (st == AAE_OK) st = find(buf, body, "OPTM", &r);
    if (st == AAE_OK) st = read_optimizers(&r, m);
    if (st == AAE_OK) st = find(buf, body, "STEP", &r);
    if (st == AAE_OK) st = get_u64(&r, &m->steps);
    if (st == AAE_OK) st = expect_end(&r);
    if (st != AAE_OK) {
        aaei_model_destroy(m);
        return st;
    }
    *out = m;
    return AAE_OK;
}
