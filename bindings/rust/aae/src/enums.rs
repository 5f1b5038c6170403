//! The header's enums as Rust enums, and the loss / metric arrays as structs.
//!
//! Each enum is `#[repr(i32)]` with the C enumerator as its discriminant, so
//! `value as i32` is the C value. They only travel from Rust to C; values
//! coming back from C are matched explicitly.

use aae_sys as sys;

/// The enums whose values are passed as option values (`f64`), e.g.
/// `builder.set(ModelOption::Output, OutputKind::Tanh.into())`.
macro_rules! option_value {
    ($($t:ty),*) => {$(
        impl From<$t> for f64 {
            fn from(v: $t) -> f64 {
                f64::from(v as i32)
            }
        }
    )*};
}

/// `C_NAME`, the C enum a `#[repr(i32)]` enum mirrors, and `ALL`, its
/// variants in declaration order (leaving one out does not compile);
/// tests/enums.rs checks both against the library's own list of members.
macro_rules! c_enum {
    ($t:ident = $c:literal: $($v:ident),+ $(,)?) => {
        impl $t {
            /// The C enum this one mirrors (for `aae_enum_*` lookups).
            pub const C_NAME: &'static str = $c;
            /// Every variant, in declaration order.
            pub const ALL: [$t; [$(stringify!($v)),+].len()] = [$($t::$v),+];
        }
        const _: fn($t) = |v| match v {
            $($t::$v)|+ => (),
        };
    };
}

/// Model presets: each only fills option defaults (see docs/models.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Preset {
    /// 784-1000-1000-2 ReLU, sigmoid output, MSE.
    Ae = sys::AAE_PRESET_AE,
    /// Gaussian z, BCE + KL.
    Vae = sys::AAE_PRESET_VAE,
    /// PyTorch-GAN recipe, Gaussian prior.
    Aae = sys::AAE_PRESET_AAE,
    /// The decoder sees [z, one-hot label].
    SupervisedAae = sys::AAE_PRESET_SUPERVISED_AAE,
    /// VAE plus a classifier whose y joins z.
    VaeClassifier = sys::AAE_PRESET_VAE_CLASSIFIER,
    /// Softmax y over K = 16 plus a style z.
    ClusteringAae = sys::AAE_PRESET_CLUSTERING_AAE,
    /// Clustering AAE, K = 10, plus a cross-entropy phase.
    SemiSupervisedAae = sys::AAE_PRESET_SEMI_SUPERVISED_AAE,
}

c_enum!(Preset = "aae_preset":
    Ae, Vae, Aae, SupervisedAae, VaeClassifier, ClusteringAae, SemiSupervisedAae
);

/// Numbered model options (`aae_option`). All take an `f64`; enumerated
/// ones take the value enums below (`.into()`), flags 0 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ModelOption {
    InputWidth = sys::AAE_OPTION_INPUT_WIDTH,
    /// [`OutputKind`]
    Output = sys::AAE_OPTION_OUTPUT,
    /// [`RecLoss`]
    RecLoss = sys::AAE_OPTION_REC_LOSS,
    RecSum = sys::AAE_OPTION_REC_SUM,
    ZWidth = sys::AAE_OPTION_Z_WIDTH,
    /// [`Posterior`]
    Posterior = sys::AAE_OPTION_POSTERIOR,
    /// [`YHead`]
    YHead = sys::AAE_OPTION_Y_HEAD,
    Classes = sys::AAE_OPTION_CLASSES,
    /// [`DecoderInput`]
    DecoderInput = sys::AAE_OPTION_DECODER_INPUT,
    /// [`ZRegularizer`]
    ZRegularizer = sys::AAE_OPTION_Z_REGULARIZER,
    /// [`Prior`]
    ZPrior = sys::AAE_OPTION_Z_PRIOR,
    PriorSigma = sys::AAE_OPTION_PRIOR_SIGMA,
    PriorComponents = sys::AAE_OPTION_PRIOR_COMPONENTS,
    PriorRadius = sys::AAE_OPTION_PRIOR_RADIUS,
    PriorSpread = sys::AAE_OPTION_PRIOR_SPREAD,
    PriorLabelGuided = sys::AAE_OPTION_PRIOR_LABEL_GUIDED,
    YAdversarial = sys::AAE_OPTION_Y_ADVERSARIAL,
    /// [`Supervision`]
    YSupervised = sys::AAE_OPTION_Y_SUPERVISED,
    DetachY = sys::AAE_OPTION_DETACH_Y,
    WRec = sys::AAE_OPTION_W_REC,
    WKl = sys::AAE_OPTION_W_KL,
    WAdv = sys::AAE_OPTION_W_ADV,
    WCe = sys::AAE_OPTION_W_CE,
    WDisc = sys::AAE_OPTION_W_DISC,
    JointGenerator = sys::AAE_OPTION_JOINT_GENERATOR,
    DiscNoise = sys::AAE_OPTION_DISC_NOISE,
    BnMomentum = sys::AAE_OPTION_BN_MOMENTUM,
    BnEps = sys::AAE_OPTION_BN_EPS,
    Seed = sys::AAE_OPTION_SEED,
    /// Std of Gaussian noise added to the encoder's (and classifier's)
    /// input in training; the reconstruction target stays clean (default 0).
    InputNoise = sys::AAE_OPTION_INPUT_NOISE,
    /// Dropout probability on that input, after the noise, training only
    /// (default 0).
    InputDropout = sys::AAE_OPTION_INPUT_DROPOUT,
    /// 1: batch norm after the encoder's (and classifier's) output layer, on
    /// z and the y logits (default 0).
    HeadBatchnorm = sys::AAE_OPTION_HEAD_BATCHNORM,
    /// 0: PyTorch's default initialization; > 0: dense weights N(0, std^2)
    /// and biases 0 (the paper: 0.01).
    InitStd = sys::AAE_OPTION_INIT_STD,
    /// 1: the z discriminator reads [z | one-hot y]: the encoder's rows the
    /// one-hot of argmax q(y|x) (no gradient to y), the prior's rows a
    /// uniform one-hot, so p(z) must hold within each value of y. Needs a y
    /// head and an adversarial z (default 0).
    ZDiscSeesY = sys::AAE_OPTION_Z_DISC_SEES_Y,
}

c_enum!(ModelOption = "aae_option":
    InputWidth, Output, RecLoss, RecSum, ZWidth, Posterior, YHead, Classes, DecoderInput,
    ZRegularizer, ZPrior, PriorSigma, PriorComponents, PriorRadius, PriorSpread, PriorLabelGuided,
    YAdversarial, YSupervised, DetachY, WRec, WKl, WAdv, WCe, WDisc, JointGenerator, DiscNoise,
    BnMomentum, BnEps, Seed, InputNoise, InputDropout, HeadBatchnorm, InitStd, ZDiscSeesY
);

impl ModelOption {
    /// The inclusive range of valid values (`aae_option_bounds`).
    pub fn bounds(self) -> crate::Result<(f64, f64)> {
        let (mut lo, mut hi) = (0.0, 0.0);
        // SAFETY: plain value and two out-pointers.
        unsafe { crate::error::ffi!(aae_option_bounds(self as i32, &mut lo, &mut hi)) }?;
        Ok((lo, hi))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum OutputKind {
    Linear = sys::AAE_OUTPUT_LINEAR,
    Sigmoid = sys::AAE_OUTPUT_SIGMOID,
    Tanh = sys::AAE_OUTPUT_TANH,
}

c_enum!(OutputKind = "aae_output_kind": Linear, Sigmoid, Tanh);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum RecLoss {
    Mse = sys::AAE_REC_MSE,
    L1 = sys::AAE_REC_L1,
    Bce = sys::AAE_REC_BCE,
}

c_enum!(RecLoss = "aae_rec_loss_kind": Mse, L1, Bce);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Posterior {
    Deterministic = sys::AAE_POSTERIOR_DETERMINISTIC,
    Gaussian = sys::AAE_POSTERIOR_GAUSSIAN,
}

c_enum!(Posterior = "aae_posterior_kind": Deterministic, Gaussian);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum YHead {
    /// No categorical head.
    None = sys::AAE_Y_NONE,
    /// Softmax head on the encoder trunk.
    Shared = sys::AAE_Y_SHARED,
    /// Separate classifier network reading x.
    Separate = sys::AAE_Y_SEPARATE,
}

c_enum!(YHead = "aae_y_head_kind": None, Shared, Separate);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum DecoderInput {
    /// z alone.
    Z = sys::AAE_DECODE_Z,
    /// [z, one-hot data label].
    ZLabel = sys::AAE_DECODE_Z_LABEL,
    /// [z, y] with y the head's softmax.
    ZY = sys::AAE_DECODE_Z_Y,
}

c_enum!(DecoderInput = "aae_decoder_input_kind": Z, ZLabel, ZY);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ZRegularizer {
    None = sys::AAE_ZREG_NONE,
    Kl = sys::AAE_ZREG_KL,
    Adversarial = sys::AAE_ZREG_ADVERSARIAL,
}

c_enum!(ZRegularizer = "aae_z_regularizer_kind": None, Kl, Adversarial);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Prior {
    /// N(0, sigma^2 I).
    Gaussian = sys::AAE_PRIOR_GAUSSIAN,
    /// U(-sigma, sigma) per dimension.
    Uniform = sys::AAE_PRIOR_UNIFORM,
    /// K 2-D Gaussians on a circle.
    Mixture = sys::AAE_PRIOR_MIXTURE,
    /// 2-D swiss roll.
    SwissRoll = sys::AAE_PRIOR_SWISS_ROLL,
}

c_enum!(Prior = "aae_prior_kind": Gaussian, Uniform, Mixture, SwissRoll);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Supervision {
    None = sys::AAE_SUPERVISE_NONE,
    /// Cross-entropy on labelled rows joins the reconstruction.
    Joint = sys::AAE_SUPERVISE_JOINT,
    /// Cross-entropy in its own phase on a labelled batch.
    Phase = sys::AAE_SUPERVISE_PHASE,
}

c_enum!(Supervision = "aae_supervision_kind": None, Joint, Phase);

/// Learning-rate schedules, the value of [`TrainerParam::Schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Schedule {
    Constant = sys::AAE_SCHEDULE_CONSTANT,
    /// lr * gamma^floor(epoch / step_epochs)
    Step = sys::AAE_SCHEDULE_STEP,
    /// lr * (min + (1-min)(1+cos(pi epoch/horizon))/2)
    Cosine = sys::AAE_SCHEDULE_COSINE,
}

c_enum!(Schedule = "aae_schedule_kind": Constant, Step, Cosine);

option_value!(
    OutputKind,
    RecLoss,
    Posterior,
    YHead,
    DecoderInput,
    ZRegularizer,
    Prior,
    Supervision,
    Schedule
);

/// The networks of a model, for hidden layers and optimizers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Part {
    Encoder = sys::AAE_PART_ENCODER,
    Decoder = sys::AAE_PART_DECODER,
    ZDiscriminator = sys::AAE_PART_Z_DISCRIMINATOR,
    YDiscriminator = sys::AAE_PART_Y_DISCRIMINATOR,
    Classifier = sys::AAE_PART_CLASSIFIER,
}

c_enum!(Part = "aae_part": Encoder, Decoder, ZDiscriminator, YDiscriminator, Classifier);

/// The phases of a training step, in the order they run (`aae_phase`).
/// Each steps its networks with its own optimizer state: by default with
/// each network's part optimizer, or with the phase's own
/// ([`Builder::set_phase_optimizer`](crate::Builder::set_phase_optimizer)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Phase {
    /// Encoder, decoder, classifier: the reconstruction (+ KL, joint CE,
    /// joint generator terms).
    Reconstruction = sys::AAE_PHASE_RECONSTRUCTION,
    ZDiscriminator = sys::AAE_PHASE_Z_DISCRIMINATOR,
    YDiscriminator = sys::AAE_PHASE_Y_DISCRIMINATOR,
    /// Encoder / classifier against the discriminators
    /// ([`ModelOption::JointGenerator`] 0).
    Generator = sys::AAE_PHASE_GENERATOR,
    /// The y head on the labelled batch ([`Supervision::Phase`]).
    SemiSupervised = sys::AAE_PHASE_SEMI_SUPERVISED,
}

c_enum!(Phase = "aae_phase":
    Reconstruction, ZDiscriminator, YDiscriminator, Generator, SemiSupervised
);

impl Phase {
    pub(crate) fn from_raw(v: sys::aae_phase) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| *p as i32 == v)
    }
}

/// Most milestones one phase's schedule holds
/// ([`Builder::set_phase_milestones`](crate::Builder::set_phase_milestones)).
pub const MAX_MILESTONES: usize = sys::AAE_MAX_MILESTONES;

/// Activations of builder layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Activation {
    /// Identity.
    None = sys::AAE_ACT_NONE,
    Relu = sys::AAE_ACT_RELU,
    LeakyRelu = sys::AAE_ACT_LEAKY_RELU,
    Sigmoid = sys::AAE_ACT_SIGMOID,
    Tanh = sys::AAE_ACT_TANH,
    /// Row-wise.
    Softmax = sys::AAE_ACT_SOFTMAX,
}

c_enum!(Activation = "aae_activation": None, Relu, LeakyRelu, Sigmoid, Tanh, Softmax);

impl Activation {
    pub(crate) fn from_raw(v: sys::aae_activation) -> Option<Activation> {
        Some(match v {
            sys::AAE_ACT_NONE => Activation::None,
            sys::AAE_ACT_RELU => Activation::Relu,
            sys::AAE_ACT_LEAKY_RELU => Activation::LeakyRelu,
            sys::AAE_ACT_SIGMOID => Activation::Sigmoid,
            sys::AAE_ACT_TANH => Activation::Tanh,
            sys::AAE_ACT_SOFTMAX => Activation::Softmax,
            _ => return None,
        })
    }
}

/// Optimizer kinds. (A phase without its own optimizer, C's
/// `AAE_OPTIMIZER_PART`, is `None` in the phase calls of [`Builder`](crate::Builder).)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum OptimizerKind {
    Sgd = sys::AAE_OPTIMIZER_SGD,
    Adam = sys::AAE_OPTIMIZER_ADAM,
}

c_enum!(OptimizerKind = "aae_optimizer_kind": Sgd, Adam);

impl OptimizerKind {
    pub(crate) fn from_raw(v: sys::aae_optimizer_kind) -> Option<OptimizerKind> {
        match v {
            sys::AAE_OPTIMIZER_SGD => Some(OptimizerKind::Sgd),
            sys::AAE_OPTIMIZER_ADAM => Some(OptimizerKind::Adam),
            _ => None,
        }
    }
}

/// Optimizer settings (defaults are PyTorch's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum OptimizerParam {
    Lr = sys::AAE_OPT_LR,
    Momentum = sys::AAE_OPT_MOMENTUM,
    Dampening = sys::AAE_OPT_DAMPENING,
    Nesterov = sys::AAE_OPT_NESTEROV,
    WeightDecay = sys::AAE_OPT_WEIGHT_DECAY,
    Beta1 = sys::AAE_OPT_BETA1,
    Beta2 = sys::AAE_OPT_BETA2,
    Eps = sys::AAE_OPT_EPS,
}

c_enum!(OptimizerParam = "aae_optimizer_param":
    Lr, Momentum, Dampening, Nesterov, WeightDecay, Beta1, Beta2, Eps
);

/// Trainer settings (`aae_trainer_param`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum TrainerParam {
    /// Epochs per [`Trainer::fit`](crate::Trainer::fit) (default 10).
    Epochs = sys::AAE_TRAIN_EPOCHS,
    /// Rows per batch (default 64).
    BatchSize = sys::AAE_TRAIN_BATCH_SIZE,
    /// 1: reshuffle every epoch; 0: in order (default 1).
    Shuffle = sys::AAE_TRAIN_SHUFFLE,
    /// Shuffle seed (default 0).
    Seed = sys::AAE_TRAIN_SEED,
    /// 1: skip a final partial batch (default 1).
    DropLast = sys::AAE_TRAIN_DROP_LAST,
    /// Rows of the semi-supervised batch (default 64).
    LabelledBatch = sys::AAE_TRAIN_LABELLED_BATCH,
    /// A [`Schedule`] (default constant).
    Schedule = sys::AAE_TRAIN_SCHEDULE,
    /// Step schedule: epochs between decays (default 10).
    StepEpochs = sys::AAE_TRAIN_STEP_EPOCHS,
    /// Step schedule: decay factor (default 0.1).
    Gamma = sys::AAE_TRAIN_GAMMA,
    /// Cosine schedule: epochs to the minimum (default 100).
    Horizon = sys::AAE_TRAIN_HORIZON,
    /// Cosine schedule: final lr factor (default 0).
    MinFactor = sys::AAE_TRAIN_MIN_FACTOR,
    /// Training threads, each taking a slice of every batch (default 1; 0:
    /// the library's thread count).
    Threads = sys::AAE_TRAIN_THREADS,
}

c_enum!(TrainerParam = "aae_trainer_param":
    Epochs, BatchSize, Shuffle, Seed, DropLast, LabelledBatch, Schedule, StepEpochs, Gamma, Horizon,
    MinFactor, Threads
);

impl TrainerParam {
    /// The inclusive range of valid values (`aae_trainer_bounds`).
    pub fn bounds(self) -> crate::Result<(f64, f64)> {
        let (mut lo, mut hi) = (0.0, 0.0);
        // SAFETY: plain value and two out-pointers.
        unsafe { crate::error::ffi!(aae_trainer_bounds(self as i32, &mut lo, &mut hi)) }?;
        Ok((lo, hi))
    }
}

/// What an allreduce of data-parallel training carries (`aae_reduce_kind`),
/// as [`Collective::allreduce`](crate::Collective::allreduce) receives it.
/// Every kind is summed the same way; the kind only helps a collective
/// (or its logs) tell the calls apart. It comes from the library, so a
/// newer library's unknown kind arrives as `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReduceKind {
    /// One phase's parameter gradients, already weighted by this process's
    /// share of the batch.
    Gradients,
    /// Batch norm sums (synchronized batch norm).
    BatchStats,
    /// One phase's losses, weighted by rows.
    Losses,
    /// One float per process: 1 if its checks failed, so all stop together.
    Status,
    /// A kind this version of the bindings does not know.
    Other(i32),
}

impl ReduceKind {
    pub(crate) fn from_raw(v: sys::aae_reduce_kind) -> ReduceKind {
        match v {
            sys::AAE_REDUCE_GRADIENTS => ReduceKind::Gradients,
            sys::AAE_REDUCE_BATCH_STATS => ReduceKind::BatchStats,
            sys::AAE_REDUCE_LOSSES => ReduceKind::Losses,
            sys::AAE_REDUCE_STATUS => ReduceKind::Status,
            other => ReduceKind::Other(other),
        }
    }

    /// The C value (`aae_reduce_kind`).
    pub fn code(self) -> i32 {
        match self {
            ReduceKind::Gradients => sys::AAE_REDUCE_GRADIENTS,
            ReduceKind::BatchStats => sys::AAE_REDUCE_BATCH_STATS,
            ReduceKind::Losses => sys::AAE_REDUCE_LOSSES,
            ReduceKind::Status => sys::AAE_REDUCE_STATUS,
            ReduceKind::Other(code) => code,
        }
    }
}

/// How IDX bytes become floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Scale {
    /// byte / 255: [0, 1]
    Unit = sys::AAE_SCALE_UNIT,
    /// byte / 127.5 - 1: [-1, 1]
    Symmetric = sys::AAE_SCALE_SYMMETRIC,
}

c_enum!(Scale = "aae_scale": Unit, Symmetric);

/// Per-phase losses of a training step (unused ones are 0).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Losses {
    /// Reconstruction (unweighted, as configured).
    pub rec: f32,
    /// KL nats per row.
    pub kl: f32,
    /// Cross-entropy on labelled rows.
    pub ce: f32,
    /// z discriminator.
    pub disc_z: f32,
    /// Encoder's adversarial loss on z.
    pub gen_z: f32,
    pub disc_y: f32,
    pub gen_y: f32,
}

pub(crate) const SLOT_COUNT: usize = sys::AAE_SLOT_COUNT as usize;

impl From<[f32; SLOT_COUNT]> for Losses {
    fn from(v: [f32; SLOT_COUNT]) -> Losses {
        let slot = |s: sys::aae_loss_slot| v[s as usize];
        Losses {
            rec: slot(sys::AAE_SLOT_REC),
            kl: slot(sys::AAE_SLOT_KL),
            ce: slot(sys::AAE_SLOT_CE),
            disc_z: slot(sys::AAE_SLOT_DISC_Z),
            gen_z: slot(sys::AAE_SLOT_GEN_Z),
            disc_y: slot(sys::AAE_SLOT_DISC_Y),
            gen_y: slot(sys::AAE_SLOT_GEN_Y),
        }
    }
}

/// Evaluation metrics (NaN where they do not apply).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    /// Reconstruction mean squared error.
    pub mse: f64,
    /// Reconstruction mean absolute error.
    pub l1: f64,
    /// y head argmax vs labels (labelled rows).
    pub class_error: f64,
    /// y head clusters, majority labels.
    pub cluster_accuracy: f64,
    /// Nats per row.
    pub elbo: f64,
}

pub(crate) const METRIC_COUNT: usize = sys::AAE_METRIC_COUNT as usize;

impl From<[f64; METRIC_COUNT]> for Metrics {
    fn from(v: [f64; METRIC_COUNT]) -> Metrics {
        let m = |k: sys::aae_metric| v[k as usize];
        Metrics {
            mse: m(sys::AAE_METRIC_MSE),
            l1: m(sys::AAE_METRIC_L1),
            class_error: m(sys::AAE_METRIC_CLASS_ERROR),
            cluster_accuracy: m(sys::AAE_METRIC_CLUSTER_ACCURACY),
            elbo: m(sys::AAE_METRIC_ELBO),
        }
    }
}
