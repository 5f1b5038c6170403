/* The presets: option defaults only (every preset is reachable option by
 * option, test/test_model.c), each recipe a function. */
#include <string.h>

#include "core/error.h"
#include "model/options.h"

static void add_layer(aaei_part_spec *p, size_t width, aae_activation act, float slope,
                      int bn)
{
    aaei_layer_spec *l = &p->layers[p->nlayers++];
    l->width = width;
    l->act = act;
    l->slope = slope;
    l->batchnorm = bn;
    l->dropout = 0.0f;
}

static void set_adam(aaei_options *o, aae_part part, double lr, double beta1)
{
    o->parts[part].optim = aaei_optim_defaults(AAE_OPTIMIZER_ADAM);
    o->parts[part].optim.lr = lr;
    o->parts[part].optim.beta1 = beta1;
}

/* Two equal hidden layers in every part that the preset uses. */
static void mlp_parts(aaei_options *o, size_t width, aae_activation act, float slope)
{
    for (int p = 0; p < AAEI_PARTS; p++) {
        add_layer(&o->parts[p], width, act, slope, 0);
        add_layer(&o->parts[p], width, act, slope, 0);
    }
}

static void set_sgd(aaei_optim_config *c, double lr, double momentum)
{
    *c = aaei_optim_defaults(AAE_OPTIMIZER_SGD);
    c->lr = lr;
    c->momentum = momentum;
}

/* The paper's Appendix A (arXiv 1511.05644v2; docs/results.md says what was
 * verified): softmax y plus style z with adversarial priors on both, each
 * in its own phase; 0.5 x the sum of squared errors; one SGD with momentum
 * per cost, all rates x0.1 at epoch 50 (and 1000); weights N(0, 0.01).
 * Semi-supervised: 1000-unit ReLU nets, z 10, noise 0.3 on the encoder's
 * input, a cross-entropy phase on the labelled batch. Clustering: 3000-unit
 * encoder and decoder with batch norm through the encoder's heads, z 5,
 * 20 % dropout on its input, 1000-unit discriminators. */
static void paper_recipe(aaei_options *o, int clustering)
{
    double *v = o->v;
    size_t width = clustering ? 3000 : 1000;
    v[AAE_OPTION_CLASSES] = clustering ? 16 : 10;
    v[AAE_OPTION_Z_WIDTH] = clustering ? 5 : 10;
    v[AAE_OPTION_Y_HEAD] = AAE_Y_SHARED;
    v[AAE_OPTION_DECODER_INPUT] = AAE_DECODE_Z_Y;
    v[AAE_OPTION_Z_REGULARIZER] = AAE_ZREG_ADVERSARIAL;
    v[AAE_OPTION_Y_ADVERSARIAL] = 1;
    v[AAE_OPTION_REC_SUM] = 1;
    v[AAE_OPTION_W_REC] = 0.5;
    v[AAE_OPTION_INIT_STD] = 0.01;
    if (clustering) {
        v[AAE_OPTION_INPUT_DROPOUT] = 0.2;
        v[AAE_OPTION_HEAD_BATCHNORM] = 1;
    } else {
        v[AAE_OPTION_INPUT_NOISE] = 0.3;
        v[AAE_OPTION_Y_SUPERVISED] = AAE_SUPERVISE_PHASE;
    }
    for (int p = 0; p < AAEI_PARTS; p++) {
        int disc = p == AAE_PART_Z_DISCRIMINATOR || p == AAE_PART_Y_DISCRIMINATOR;
        size_t w = disc ? 1000 : width;
        if (p != AAE_PART_CLASSIFIER) {
            add_layer(&o->parts[p], w, AAE_ACT_RELU, 0.0f, clustering && p == AAE_PART_ENCODER);
            add_layer(&o->parts[p], w, AAE_ACT_RELU, 0.0f, clustering && p == AAE_PART_ENCODER);
        }
        /* The parts' optimizers as their phases' (in use if a phase is
         * set back to AAE_OPTIMIZER_PART). */
        set_sgd(&o->parts[p].optim, disc ? 0.1 : 0.01, disc ? 0.1 : 0.9);
    }
    static const uint64_t milestones[2] = {50, 1000};
    for (int ph = 0; ph < AAEI_PHASES; ph++) {
        aaei_phase_spec *s = &o->phases[ph];
        s->own_optim = 1;
        if (ph == AAE_PHASE_RECONSTRUCTION) set_sgd(&s->optim, 0.01, 0.9);
        else if (ph == AAE_PHASE_SEMI_SUPERVISED) set_sgd(&s->optim, 0.1, 0.9);
        else set_sgd(&s->optim, 0.1, 0.1);
        s->nmilestones = clustering ? 1 : 2;
        memcpy(s->milestones, milestones, s->nmilestones * sizeof *milestones);
        s->gamma = 0.1;
    }
    if (clustering) o->phases[AAE_PHASE_SEMI_SUPERVISED] = (aaei_phase_spec){.gamma = 0.1};
}

/* What every preset shares: MNIST-sized input, deterministic z, no heads,
 * Adam (1e-3, 0.9) everywhere, PyTorch's batch norm. */
static void shared_defaults(aaei_options *o, aae_preset preset)
{
    memset(o, 0, sizeof *o);
    o->preset = preset;
    double *v = o->v;
    v[AAE_OPTION_INPUT_WIDTH] = 784;
    v[AAE_OPTION_OUTPUT] = AAE_OUTPUT_SIGMOID;
    v[AAE_OPTION_REC_LOSS] = AAE_REC_MSE;
    v[AAE_OPTION_Z_WIDTH] = 10;
    v[AAE_OPTION_CLASSES] = 10;
    v[AAE_OPTION_PRIOR_SIGMA] = 1.0;
    v[AAE_OPTION_PRIOR_COMPONENTS] = 10;
    v[AAE_OPTION_PRIOR_RADIUS] = 4.0;
    v[AAE_OPTION_PRIOR_SPREAD] = 0.5;
    v[AAE_OPTION_W_REC] = 1.0;
    v[AAE_OPTION_W_KL] = 1.0;
    v[AAE_OPTION_W_ADV] = 1.0;
    v[AAE_OPTION_W_CE] = 1.0;
    v[AAE_OPTION_W_DISC] = 1.0;
    v[AAE_OPTION_BN_MOMENTUM] = 0.1;
    v[AAE_OPTION_BN_EPS] = 1e-5;
    for (int p = 0; p < AAEI_PARTS; p++) set_adam(o, (aae_part)p, 1e-3, 0.9);
    for (int ph = 0; ph < AAEI_PHASES; ph++) o->phases[ph].gamma = 0.1;
}

/* 784-512-256 -> z 20, decoder mirror; BCE summed per row (nats). With a
 * classifier: a separate 512-unit head whose y the decoder reads, its
 * gradient stopped at y (chosen on a validation split, docs/results.md:
 * otherwise the reconstruction, some 500 nats against a cross-entropy
 * below 1, turns y into a private code and the classifier's error rises
 * to about 20 %; stopped, the classifier is exactly the one trained alone
 * and the decoder still draws the digit asked for). */
static void vae_recipe(aaei_options *o, int classifier)
{
    double *v = o->v;
    v[AAE_OPTION_Z_WIDTH] = 20;
    v[AAE_OPTION_POSTERIOR] = AAE_POSTERIOR_GAUSSIAN;
    v[AAE_OPTION_Z_REGULARIZER] = AAE_ZREG_KL;
    v[AAE_OPTION_REC_LOSS] = AAE_REC_BCE;
    v[AAE_OPTION_REC_SUM] = 1;
    add_layer(&o->parts[AAE_PART_ENCODER], 512, AAE_ACT_RELU, 0.0f, 0);
    add_layer(&o->parts[AAE_PART_ENCODER], 256, AAE_ACT_RELU, 0.0f, 0);
    add_layer(&o->parts[AAE_PART_DECODER], 256, AAE_ACT_RELU, 0.0f, 0);
    add_layer(&o->parts[AAE_PART_DECODER], 512, AAE_ACT_RELU, 0.0f, 0);
    if (!classifier) return;
    v[AAE_OPTION_Y_HEAD] = AAE_Y_SEPARATE;
    v[AAE_OPTION_DECODER_INPUT] = AAE_DECODE_Z_Y;
    v[AAE_OPTION_Y_SUPERVISED] = AAE_SUPERVISE_JOINT;
    v[AAE_OPTION_DETACH_Y] = 1;
    add_layer(&o->parts[AAE_PART_CLASSIFIER], 512, AAE_ACT_RELU, 0.0f, 0);
}

/* PyTorch-GAN's aae.py: LeakyReLU 0.2, BN on the second hidden layer, tanh
 * output, 0.001 adversarial + 0.999 L1 in one generator loss, D loss the
 * average of real and fake, Adam 2e-4 (0.5, 0.999). Supervised: the
 * paper's phases, since a tiny adversarial weight would let the 2-D style
 * code carry the digit instead of the label. */
static void pytorch_gan_recipe(aaei_options *o, int supervised)
{
    double *v = o->v;
    aae_activation lr = AAE_ACT_LEAKY_RELU;
    v[AAE_OPTION_OUTPUT] = AAE_OUTPUT_TANH;
    v[AAE_OPTION_REC_LOSS] = AAE_REC_L1;
    v[AAE_OPTION_Z_REGULARIZER] = AAE_ZREG_ADVERSARIAL;
    v[AAE_OPTION_W_REC] = supervised ? 1.0 : 0.999;
    v[AAE_OPTION_W_ADV] = supervised ? 1.0 : 0.001;
    v[AAE_OPTION_W_DISC] = supervised ? 1.0 : 0.5;
    v[AAE_OPTION_JOINT_GENERATOR] = !supervised;
    if (supervised) {
        v[AAE_OPTION_Z_WIDTH] = 2;
        v[AAE_OPTION_DECODER_INPUT] = AAE_DECODE_Z_LABEL;
    } else {
        v[AAE_OPTION_POSTERIOR] = AAE_POSTERIOR_GAUSSIAN;
    }
    for (int p = 0; p < 2; p++) {
        add_layer(&o->parts[p], 512, lr, 0.2f, 0);
        add_layer(&o->parts[p], 512, lr, 0.2f, 1);
    }
    add_layer(&o->parts[AAE_PART_Z_DISCRIMINATOR], 512, lr, 0.2f, 0);
    add_layer(&o->parts[AAE_PART_Z_DISCRIMINATOR], 256, lr, 0.2f, 0);
    for (int p = 0; p < AAEI_PARTS; p++) set_adam(o, (aae_part)p, 2e-4, 0.5);
}

aae_status aaei_options_preset(aaei_options *o, aae_preset preset)
{
    shared_defaults(o, preset);
    double *v = o->v;
    switch (preset) {
    case AAE_PRESET_AE:
        v[AAE_OPTION_Z_WIDTH] = 2;
        mlp_parts(o, 1000, AAE_ACT_RELU, 0.0f);
        break;
    case AAE_PRESET_VAE:
    case AAE_PRESET_VAE_CLASSIFIER: vae_recipe(o, preset == AAE_PRESET_VAE_CLASSIFIER); break;
    case AAE_PRESET_AAE:
    case AAE_PRESET_SUPERVISED_AAE: pytorch_gan_recipe(o, preset == AAE_PRESET_SUPERVISED_AAE); break;
    case AAE_PRESET_CLUSTERING_AAE:
    case AAE_PRESET_SEMI_SUPERVISED_AAE: paper_recipe(o, preset == AAE_PRESET_CLUSTERING_AAE); break;
    default:
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "unknown preset %d", (int)preset);
    }
    /* Parts the preset does not use keep no layers, so "equal to the same
     * model built option by option" holds without hidden leftovers. */
    if (v[AAE_OPTION_Y_HEAD] != AAE_Y_SEPARATE) o->parts[AAE_PART_CLASSIFIER].nlayers = 0;
    if (v[AAE_OPTION_Z_REGULARIZER] != AAE_ZREG_ADVERSARIAL)
        o->parts[AAE_PART_Z_DISCRIMINATOR].nlayers = 0;
    if (!v[AAE_OPTION_Y_ADVERSARIAL]) o->parts[AAE_PART_Y_DISCRIMINATOR].nlayers = 0;
    return AAE_OK;
}
