/* Checkpoint serialization: little-endian, tagged sections with lengths,
 * CRC-32 at the end. Written field by field (never a struct memcpy) so the
 * bytes are the same on every platform. */
#include "io/checkpoint.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
static void nets_of(const aae_model *m, const aae_net *nets[AAEI_PARTS])
{
    for (int i = 0; i < AAEI_PARTS; i++) {
        aae_part part = aaei_file_order[i];
        nets[i] = m->has[part] ? &m->nets[part] : NULL;
    }
}

static void write_optim_config(wr *w, const aaei_optim_config *c)
{
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
        write_optim_config(w, &s->optim);
    }
}

/* Version 2: each phase's own optimizer (if any) and milestones. */
static void write_phases(wr *w, const aaei_options *o)
{
    put_u32(w, AAEI_PHASES);
    for (int ph = 0; ph < AAEI_PHASES; ph++) {
        const aaei_phase_spec *s = &o->phases[ph];
        put_u32(w, (uint32_t)s->own_optim);
        if (s->own_optim) write_optim_config(w, &s->optim);
        put_u32(w, (uint32_t)s->nmilestones);
        for (size_t i = 0; i < s->nmilestones; i++) put_u64(w, s->milestones[i]);
        put_f64(w, s->gamma);
    }
}

static void write_all(const aae_model *m, wr *w)
{
    const aae_net *nets[AAEI_PARTS];
    nets_of(m, nets);
    for (int i = 0; i < 8; i++) put(w, MAGIC[i], 1);
    put_u32(w, AAEI_FORMAT_VERSION);
    put_u32(w, 0);

    size_t at = begin_section(w, "OPTS");
    write_options(w, &m->opt);
    end_section(w, at);

    at = begin_section(w, "PARM");
    for (uint32_t i = 0; i < AAEI_PARTS; i++)
        if (nets[i]) {
            put_u32(w, i);
            put_u64(w, nets[i]->nparams);
            put_floats(w, nets[i]->params, nets[i]->nparams);
        }
    end_section(w, at);

    at = begin_section(w, "STAT");
    for (uint32_t i = 0; i < AAEI_PARTS; i++)
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

    at = begin_section(w, "PHAS");
    write_phases(w, &m->opt);
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

/* ---- reading: from a source, every get bounds-checked against its section ---- */

static aae_status src_read(const aaei_ckpt_src *s, uint64_t off, void *dst, size_t n)
{
    if (s->mem) {
        memcpy(dst, s->mem + off, n);
        return AAE_OK;
    }
    uint8_t *d = dst;
    while (n) {
        ssize_t k = pread(s->fd, d, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0)
            return aaei_fail(AAE_ERR_IO, "reading %s at offset %llu: %s", s->name,
                             (unsigned long long)off, strerror(errno));
        if (k == 0)
            return aaei_fail(AAE_ERR_FORMAT, "%s ends at offset %llu: it was %llu bytes when opened", s->name,
                             (unsigned long long)off, (unsigned long long)s->size);
        d += k;
        off += (uint64_t)k;
        n -= (size_t)k;
    }
    return AAE_OK;
}

static uint64_t le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* CRC-32 of the first n bytes, read piece by piece from a file. */
static aae_status src_crc(const aaei_ckpt_src *s, uint64_t n, uint32_t *crc)
{
    if (s->mem) {
        *crc = aaei_crc32(s->mem, (size_t)n);
        return AAE_OK;
    }
    uint8_t chunk[16384];
    uint32_t c = 0;
    for (uint64_t at = 0; at < n;) {
        size_t k = n - at < sizeof chunk ? (size_t)(n - at) : sizeof chunk;
        AAEI_TRY(src_read(s, at, chunk, k));
        c = aaei_crc32_update(c, chunk, k);
        at += k;
    }
    *crc = c;
    return AAE_OK;
}

typedef struct rd {
    const aaei_ckpt_src *s;
    uint64_t base, n, at; /* section payload offset in the file, length, cursor */
    const char *what;     /* section tag, for messages */
} rd;

static aae_status short_read(const rd *r, uint64_t need)
{
    return aaei_fail(AAE_ERR_FORMAT, "checkpoint section %s at offset %llu: needs %llu more bytes, has %llu",
                     r->what, (unsigned long long)(r->base + r->at), (unsigned long long)need,
                     (unsigned long long)(r->n - r->at));
}

static aae_status get(rd *r, uint64_t *v, int bytes)
{
    uint8_t b[8];
    *v = 0; /* defined even on failure */
    if (r->n - r->at < (uint64_t)bytes) return short_read(r, (uint64_t)bytes);
    AAEI_TRY(src_read(r->s, r->base + r->at, b, (size_t)bytes));
    r->at += (uint64_t)bytes;
    *v = le(b, bytes);
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
/* n floats, after checking the section really holds them; dst NULL skips
 * them (the sizes are being proven, nothing is allocated yet). */
static aae_status get_floats(rd *r, float *dst, uint64_t n)
{
    if ((r->n - r->at) / 4 < n) return short_read(r, n > UINT64_MAX / 4 ? UINT64_MAX : n * 4);
    if (!dst) {
        r->at += n * 4;
        return AAE_OK;
    }
    uint8_t chunk[4096];
    while (n) {
        size_t k = n < sizeof chunk / 4 ? (size_t)n : sizeof chunk / 4;
        AAEI_TRY(src_read(r->s, r->base + r->at, chunk, 4 * k));
        for (size_t i = 0; i < k; i++) {
            uint32_t u = (uint32_t)le(chunk + 4 * i, 4);
            memcpy(dst++, &u, 4);
        }
        r->at += 4 * k;
        n -= k;
    }
    return AAE_OK;
}

static aae_status bad(const rd *r, const char *msg, uint64_t value)
{
    return aaei_fail(AAE_ERR_FORMAT, "checkpoint section %s at offset %llu: %s (%llu)", r->what,
                     (unsigned long long)(r->base + r->at), msg, (unsigned long long)value);
}

/* A value the builder refuses (its message says why) is a malformed file:
 * AAE_ERR_FORMAT, the message prefixed with the section and offset. */
static aae_status as_format(const rd *r, uint64_t at, aae_status st)
{
    if (st == AAE_OK) return st;
    char where[80];
    snprintf(where, sizeof where, "checkpoint section %s at offset %llu", r->what,
             (unsigned long long)(r->base + at));
    aaei_context(st, where);
    return AAE_ERR_FORMAT;
}

/* preset, then (id, value) pairs, each known one range-checked. */
static aae_status read_option_values(rd *r, aaei_options *o)
{
    uint32_t preset, count;
    AAEI_TRY(get_u32(r, &preset));
    if (preset < AAE_PRESET_AE || preset > AAE_PRESET_SEMI_SUPERVISED_AAE)
        return bad(r, "unknown preset", preset);
    o->preset = (aae_preset)preset;
    AAEI_TRY(get_u32(r, &count));
    for (uint32_t i = 0; i < count; i++) {
        uint32_t id;
        double v;
        AAEI_TRY(get_u32(r, &id));
        uint64_t at = r->at;
        AAEI_TRY(get_f64(r, &v));
        /* Options this version does not know come from a newer writer of
         * the same format version: they are skipped. */
        if (id < 1 || id > AAEI_OPTION_LAST) continue;
        AAEI_TRY(as_format(r, at, aaei_option_check((aae_option)id, v)));
        o->v[id] = v;
    }
    return AAE_OK;
}

static aae_status read_layer(rd *r, aaei_layer_spec *l)
{
    uint64_t width;
    uint32_t act, bn;
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
    return AAE_OK;
}

static aae_status read_optimizer_config(rd *r, aaei_optim_config *c)
{
    uint32_t kind, nesterov;
    uint64_t at = r->at;
    AAEI_TRY(get_u32(r, &kind));
    if (kind != AAE_OPTIMIZER_SGD && kind != AAE_OPTIMIZER_ADAM) return bad(r, "unknown optimizer kind", kind);
    c->kind = (aae_optimizer_kind)kind;
    double *f[7] = {&c->lr, &c->momentum, &c->dampening, &c->weight_decay, &c->beta1, &c->beta2, &c->eps};
    static const aae_optimizer_param ids[7] = {AAE_OPT_LR, AAE_OPT_MOMENTUM, AAE_OPT_DAMPENING,
                                               AAE_OPT_WEIGHT_DECAY, AAE_OPT_BETA1, AAE_OPT_BETA2,
                                               AAE_OPT_EPS};
    for (int i = 0; i < 7; i++) {
        double lo, hi;
        AAEI_TRY(get_f64(r, f[i]));
        aaei_optim_bounds(ids[i], &lo, &hi);
        if (!(*f[i] >= lo && *f[i] <= hi)) return bad(r, "optimizer setting out of range", (uint64_t)ids[i]);
    }
    AAEI_TRY(get_u32(r, &nesterov));
    if (nesterov > 1) return bad(r, "nesterov flag is not 0 or 1", nesterov);
    c->nesterov = (int)nesterov;
    return as_format(r, at, aaei_optim_validate(c));
}

static aae_status read_options(rd *r, aaei_options *o)
{
    uint32_t parts;
    memset(o, 0, sizeof *o);
    for (int ph = 0; ph < AAEI_PHASES; ph++) o->phases[ph].gamma = 0.1; /* the builder's default */
    AAEI_TRY(read_option_values(r, o));
    AAEI_TRY(get_u32(r, &parts));
    if (parts != AAEI_PARTS) return bad(r, "wrong number of parts", parts);
    for (int p = 0; p < AAEI_PARTS; p++) {
        aaei_part_spec *s = &o->parts[p];
        uint32_t nl;
        AAEI_TRY(get_u32(r, &nl));
        if (nl > AAEI_MAX_HIDDEN) return bad(r, "too many hidden layers", nl);
        s->nlayers = nl;
        for (uint32_t i = 0; i < nl; i++) AAEI_TRY(read_layer(r, &s->layers[i]));
        AAEI_TRY(read_optimizer_config(r, &s->optim));
    }
    if (r->at != r->n) return bad(r, "unread bytes at the end of the section", r->n - r->at);
    /* The combination, exactly as aae_builder_build checks it. */
    return as_format(r, 0, aaei_options_validate(o));
}

static aae_status read_phase(rd *r, aaei_phase_spec *s, int phase)
{
    uint32_t own, count;
    uint64_t at = r->at;
    AAEI_TRY(get_u32(r, &own));
    if (own > 1) return bad(r, "phase optimizer flag is not 0 or 1", own);
    s->own_optim = (int)own;
    if (own) AAEI_TRY(read_optimizer_config(r, &s->optim));
    AAEI_TRY(get_u32(r, &count));
    if (count > AAE_MAX_MILESTONES) return bad(r, "too many milestones", count);
    s->nmilestones = count;
    for (uint32_t i = 0; i < count; i++) AAEI_TRY(get_u64(r, &s->milestones[i]));
    AAEI_TRY(get_f64(r, &s->gamma));
    return as_format(r, at, aaei_phase_check(s, phase));
}

/* Version 2's PHAS section; a version 1 file has none: every phase uses
 * its networks' part optimizers without milestones, as version 1 did. */
static aae_status read_phases(rd *r, aaei_options *o)
{
    uint32_t count;
    AAEI_TRY(get_u32(r, &count));
    if (count != AAEI_PHASES) return bad(r, "wrong number of phases", count);
    for (int ph = 0; ph < AAEI_PHASES; ph++) AAEI_TRY(read_phase(r, &o->phases[ph], ph));
    if (r->at != r->n) return bad(r, "unread bytes at the end of the section", r->n - r->at);
    return AAE_OK;
}

/* PARM or STAT records: one per network with a non-zero count[i], each
 * exactly that long. data NULL: the records are only checked. */
static aae_status read_arrays(rd *r, const int present[AAEI_PARTS], const size_t count[AAEI_PARTS],
                              float *const data[AAEI_PARTS])
{
    int seen[AAEI_PARTS] = {0};
    while (r->at < r->n) {
        uint32_t id;
        uint64_t n;
        AAEI_TRY(get_u32(r, &id));
        AAEI_TRY(get_u64(r, &n));
        if (id >= AAEI_PARTS || !present[id]) return bad(r, "network not in this model", id);
        if (seen[id]++) return bad(r, "network listed twice", id);
        if (n != count[id]) return bad(r, "array length differs from the model's", n);
        AAEI_TRY(get_floats(r, data ? data[id] : NULL, n));
    }
    for (uint32_t i = 0; i < AAEI_PARTS; i++)
        if (present[i] && !seen[i] && count[i]) return bad(r, "a network of the model is missing", i);
    return AAE_OK;
}

/* OPTM records: one per slot with n[slot] > 0. optims NULL: checked only. */
static aae_status read_optimizers(rd *r, const size_t n[AAEI_OPT_COUNT], const int has_v[AAEI_OPT_COUNT],
                                  aaei_optim *optims)
{
    int seen[AAEI_OPT_COUNT] = {0};
    while (r->at < r->n) {
        uint32_t slot, v;
        uint64_t steps, len;
        AAEI_TRY(get_u32(r, &slot));
        AAEI_TRY(get_u64(r, &steps));
        AAEI_TRY(get_u64(r, &len));
        AAEI_TRY(get_u32(r, &v));
        if (slot >= AAEI_OPT_COUNT || !n[slot]) return bad(r, "optimizer not in this model", slot);
        if (seen[slot]++) return bad(r, "optimizer listed twice", slot);
        if (len != n[slot]) return bad(r, "optimizer state length differs from the model's", len);
        if (v != (uint32_t)has_v[slot]) return bad(r, "optimizer state kind differs", v);
        if (optims) optims[slot].steps = steps;
        AAEI_TRY(get_floats(r, optims ? optims[slot].m : NULL, len));
        if (v) AAEI_TRY(get_floats(r, optims ? optims[slot].v : NULL, len));
    }
    for (uint32_t s = 0; s < AAEI_OPT_COUNT; s++)
        if (n[s] && !seen[s]) return bad(r, "the state of an optimizer of the model is missing (slot)", s);
    return AAE_OK;
}

/* ---- the file's frame: header, END, CRC, and where each section is ---- */

enum { SEC_OPTS, SEC_PARM, SEC_STAT, SEC_OPTM, SEC_STEP, SEC_PHAS, SEC_COUNT };
static const char TAGS[SEC_COUNT][5] = {"OPTS", "PARM", "STAT", "OPTM", "STEP", "PHAS"};
/* The format version that introduced each section. */
static const uint32_t SINCE[SEC_COUNT] = {1, 1, 1, 1, 1, 2};

typedef struct sections {
    uint64_t at[SEC_COUNT], len[SEC_COUNT]; /* header offset, payload length */
    int found[SEC_COUNT];
} sections;

/* Magic, END and CRC first, then the header's fields (a corrupted version
 * is a bad CRC, not a version this library does not read). */
static aae_status check_frame(const aaei_ckpt_src *s, uint32_t *version_out)
{
    uint8_t head[16], end[16];
    if (s->size < 32)
        return aaei_fail(AAE_ERR_FORMAT, "not a libaae checkpoint (too short: %llu bytes)",
                         (unsigned long long)s->size);
    AAEI_TRY(src_read(s, 0, head, 16));
    if (memcmp(head, MAGIC, 8) != 0) return aaei_fail(AAE_ERR_FORMAT, "not a libaae checkpoint (bad magic)");
    /* The last 16 bytes are the END section: tag, length 4, CRC of the rest. */
    AAEI_TRY(src_read(s, s->size - 16, end, 16));
    if (memcmp(end, "END ", 4) != 0 || le(end + 4, 8) != 4)
        return aaei_fail(AAE_ERR_FORMAT, "checkpoint: truncated (no END section at offset %llu)",
                         (unsigned long long)(s->size - 16));
    uint32_t crc = (uint32_t)le(end + 12, 4), actual;
    AAEI_TRY(src_crc(s, s->size - 16, &actual));
#ifdef AAE_FUZZING
    /* The fuzzer cannot forge checksums: let it reach the fields behind. */
    actual = crc;
#endif
    if (crc != actual)
        return aaei_fail(AAE_ERR_FORMAT, "checkpoint: CRC-32 mismatch (stored %08x, computed %08x)", crc, actual);
    uint32_t version = (uint32_t)le(head + 8, 4), reserved = (uint32_t)le(head + 12, 4);
    if (version == 0) return aaei_fail(AAE_ERR_FORMAT, "checkpoint header at offset 8: format version 0 does not exist");
    if (version > AAEI_FORMAT_VERSION)
        return aaei_fail(AAE_ERR_VERSION, "checkpoint format version %u; this library reads versions 1 to %u",
                         version, AAEI_FORMAT_VERSION);
    if (reserved != 0)
        return aaei_fail(AAE_ERR_FORMAT, "checkpoint header at offset 12: reserved field is %u, not 0", reserved);
    *version_out = version;
    return AAE_OK;
}

static aae_status note_section(sections *sec, const uint8_t tag[4], uint64_t at, uint64_t len)
{
    if (memcmp(tag, "END ", 4) == 0)
        return aaei_fail(AAE_ERR_FORMAT, "checkpoint section END at offset %llu: before the end of the file",
                         (unsigned long long)at);
    for (int i = 0; i < SEC_COUNT; i++) {
        if (memcmp(tag, TAGS[i], 4) != 0) continue;
        if (sec->found[i])
            return aaei_fail(AAE_ERR_FORMAT, "checkpoint section %s at offset %llu: a second one (the first is at %llu)",
                             TAGS[i], (unsigned long long)at, (unsigned long long)sec->at[i]);
        sec->found[i] = 1;
        sec->at[i] = at;
        sec->len[i] = len;
    }
    return AAE_OK; /* a tag this version does not know: skipped */
}

/* Walks the section headers from the file header to END: they must tile
 * it exactly; each known section appears once. */
static aae_status find_sections(const aaei_ckpt_src *s, uint32_t version, sections *sec)
{
    uint64_t at = 16, end = s->size - 16;
    memset(sec, 0, sizeof *sec);
    while (at < end) {
        uint8_t h[12];
        if (end - at < 12)
            return aaei_fail(AAE_ERR_FORMAT, "checkpoint at offset %llu: %llu stray bytes before END",
                             (unsigned long long)at, (unsigned long long)(end - at));
        AAEI_TRY(src_read(s, at, h, 12));
        uint64_t len = le(h + 4, 8);
        if (len > end - at - 12)
            return aaei_fail(AAE_ERR_FORMAT, "checkpoint section at offset %llu: length %llu runs past the end",
                             (unsigned long long)at, (unsigned long long)len);
        AAEI_TRY(note_section(sec, h, at, len));
        at += 12 + len;
    }
    for (int i = 0; i < SEC_COUNT; i++) {
        if (SINCE[i] > version) sec->found[i] = 0; /* not of this version: ignored */
        else if (!sec->found[i])
            return aaei_fail(AAE_ERR_FORMAT, "checkpoint: required section %s is missing", TAGS[i]);
    }
    return AAE_OK;
}

static rd section(const aaei_ckpt_src *s, const sections *sec, int i)
{
    rd r = {s, sec->at[i] + 12, sec->len[i], 0, TAGS[i]};
    return r;
}

static aae_status read_steps(const aaei_ckpt_src *s, const sections *sec, uint64_t *steps)
{
    rd r = section(s, sec, SEC_STEP);
    AAEI_TRY(get_u64(&r, steps));
    if (r.at != r.n) return bad(&r, "unread bytes at the end of the section", r.n - r.at);
    return AAE_OK;
}

/* Every array record against the sizes the options imply, reading no
 * floats: after this, the file has proven it holds the whole model. */
static aae_status prove_sizes(const aaei_ckpt_src *s, const sections *sec, const aaei_options *o)
{
    aaei_layout l;
    aaei_model_layout(o, &l);
    rd r = section(s, sec, SEC_PARM);
    AAEI_TRY(read_arrays(&r, l.present, l.params, NULL));
    r = section(s, sec, SEC_STAT);
    AAEI_TRY(read_arrays(&r, l.present, l.state, NULL));
    r = section(s, sec, SEC_OPTM);
    return read_optimizers(&r, l.optim_n, l.optim_v, NULL);
}

/* Copies the arrays into a model built from the same options. */
static aae_status read_contents(const aaei_ckpt_src *s, const sections *sec, aae_model *m)
{
    int present[AAEI_PARTS];
    size_t params[AAEI_PARTS], state[AAEI_PARTS], n[AAEI_OPT_COUNT];
    float *pdata[AAEI_PARTS], *sdata[AAEI_PARTS];
    int has_v[AAEI_OPT_COUNT];
    for (int i = 0; i < AAEI_PARTS; i++) {
        aae_net *net = &m->nets[aaei_file_order[i]];
        present[i] = m->has[aaei_file_order[i]];
        params[i] = net->nparams, state[i] = net->nstate;
        pdata[i] = net->params, sdata[i] = net->state;
    }
    for (int i = 0; i < AAEI_OPT_COUNT; i++) {
        n[i] = m->optims[i].m ? m->optims[i].n : 0;
        has_v[i] = m->optims[i].v != NULL;
    }
    rd r = section(s, sec, SEC_PARM);
    AAEI_TRY(read_arrays(&r, present, params, pdata));
    r = section(s, sec, SEC_STAT);
    AAEI_TRY(read_arrays(&r, present, state, sdata));
    r = section(s, sec, SEC_OPTM);
    AAEI_TRY(read_optimizers(&r, n, has_v, m->optims));
    AAEI_TRY(read_steps(s, sec, &m->steps));
    return aaei_model_check_values(m, AAE_ERR_FORMAT, "checkpoint");
}

aae_status aaei_checkpoint_read_from(const aaei_ckpt_src *s, aae_model **out)
{
    sections sec;
    aaei_options o;
    uint64_t steps;
    uint32_t version = 0;
    AAEI_TRY(check_frame(s, &version));
    AAEI_TRY(find_sections(s, version, &sec));
    rd r = section(s, &sec, SEC_OPTS);
    AAEI_TRY(read_options(&r, &o));
    if (sec.found[SEC_PHAS]) {
        r = section(s, &sec, SEC_PHAS);
        AAEI_TRY(read_phases(&r, &o));
    }
    AAEI_TRY(prove_sizes(s, &sec, &o));
    AAEI_TRY(read_steps(s, &sec, &steps));
    aae_model *m;
    aae_status st = aaei_model_create(&o, &m);
    /* Options the builder refuses (a phase setting on a phase the model
     * lacks, say) make a malformed file. */
    if (st == AAE_ERR_INVALID_ARGUMENT) return as_format(&r, 0, st);
    AAEI_TRY(st);
    st = read_contents(s, &sec, m);
    if (st != AAE_OK) {
        aaei_model_destroy(m);
        return st;
    }
    *out = m;
    return AAE_OK;
}

aae_status aaei_checkpoint_read(const uint8_t *buf, size_t size, aae_model **out)
{
    aaei_ckpt_src s = {buf, -1, size, "checkpoint"};
    return aaei_checkpoint_read_from(&s, out);
}
