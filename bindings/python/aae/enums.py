"""The header's enumerations (tests/test_aae.py checks them against the library's lookup)."""
from enum import IntEnum


class Status(IntEnum):
    OK = 0
    ERR_INVALID_ARGUMENT = 1
    ERR_NOMEM = 2
    ERR_IO = 3
    ERR_FORMAT = 4
    ERR_VERSION = 5
    ERR_STATE = 6
    ERR_DIVERGED = 7
    ERR_UNSUPPORTED = 8
    ERR_BUSY = 9
    ERR_CANCELLED = 10


class Activation(IntEnum):
    NONE = 0
    RELU = 1
    LEAKY_RELU = 2
    SIGMOID = 3
    TANH = 4
    SOFTMAX = 5


class Preset(IntEnum):
    AE = 1
    VAE = 2
    AAE = 3
    SUPERVISED_AAE = 4
    VAE_CLASSIFIER = 5
    CLUSTERING_AAE = 6
    SEMI_SUPERVISED_AAE = 7


class Option(IntEnum):
    INPUT_WIDTH = 1
    OUTPUT = 2
    REC_LOSS = 3
    REC_SUM = 4
    Z_WIDTH = 5
    POSTERIOR = 6
    Y_HEAD = 7
    CLASSES = 8
    DECODER_INPUT = 9
    Z_REGULARIZER = 10
    Z_PRIOR = 11
    PRIOR_SIGMA = 12
    PRIOR_COMPONENTS = 13
    PRIOR_RADIUS = 14
    PRIOR_SPREAD = 15
    PRIOR_LABEL_GUIDED = 16
    Y_ADVERSARIAL = 17
    Y_SUPERVISED = 18
    DETACH_Y = 19
    W_REC = 20
    W_KL = 21
    W_ADV = 22
    W_CE = 23
    W_DISC = 24
    JOINT_GENERATOR = 25
    DISC_NOISE = 26
    BN_MOMENTUM = 27
    BN_EPS = 28
    SEED = 29
    INPUT_NOISE = 30
    INPUT_DROPOUT = 31
    HEAD_BATCHNORM = 32
    INIT_STD = 33
    Z_DISC_SEES_Y = 34


class Part(IntEnum):
    ENCODER = 0
    DECODER = 1
    Z_DISCRIMINATOR = 2
    Y_DISCRIMINATOR = 3
    CLASSIFIER = 4


class Phase(IntEnum):
    """The phases of a training step, in the order they run."""
    RECONSTRUCTION = 0
    Z_DISCRIMINATOR = 1
    Y_DISCRIMINATOR = 2
    GENERATOR = 3
    SEMI_SUPERVISED = 4


# Most milestones one phase's schedule holds (AAE_MAX_MILESTONES).
MAX_MILESTONES = 16


class Output(IntEnum):
    LINEAR = 0
    SIGMOID = 1
    TANH = 2


class YHead(IntEnum):
    NONE = 0
    SHARED = 1
    SEPARATE = 2


class DecoderInput(IntEnum):
    Z = 0
    Z_LABEL = 1
    Z_Y = 2


class Prior(IntEnum):
    GAUSSIAN = 0
    UNIFORM = 1
    MIXTURE = 2
    SWISS_ROLL = 3


class OptimizerKind(IntEnum):
    PART = 0
    SGD = 1
    ADAM = 2


class OptimizerParam(IntEnum):
    LR = 1
    MOMENTUM = 2
    DAMPENING = 3
    NESTEROV = 4
    WEIGHT_DECAY = 5
    BETA1 = 6
    BETA2 = 7
    EPS = 8


class Slot(IntEnum):
    REC = 0
    KL = 1
    CE = 2
    DISC_Z = 3
    GEN_Z = 4
    DISC_Y = 5
    GEN_Y = 6


class Metric(IntEnum):
    MSE = 0
    L1 = 1
    CLASS_ERROR = 2
    CLUSTER_ACCURACY = 3
    ELBO = 4


class Scale(IntEnum):
    UNIT = 0
    SYMMETRIC = 1


class TrainParam(IntEnum):
    EPOCHS = 1
    BATCH_SIZE = 2
    SHUFFLE = 3
    SEED = 4
    DROP_LAST = 5
    LABELLED_BATCH = 6
    SCHEDULE = 7
    STEP_EPOCHS = 8
    GAMMA = 9
    HORIZON = 10
    MIN_FACTOR = 11
    THREADS = 12


class ReduceKind(IntEnum):
    """What a data-parallel allreduce carries (every kind is summed)."""
    GRADIENTS = 1
    BATCH_STATS = 2
    LOSSES = 3
    STATUS = 4


# The C enum each class mirrors (tests/test_aae.py checks them against the
# library's own list of members, aae_enum_member).
C_TYPE = {
    Status: "aae_status", Activation: "aae_activation", Preset: "aae_preset", Option: "aae_option",
    Part: "aae_part", Phase: "aae_phase", Output: "aae_output_kind", YHead: "aae_y_head_kind",
    DecoderInput: "aae_decoder_input_kind", Prior: "aae_prior_kind",
    OptimizerKind: "aae_optimizer_kind", OptimizerParam: "aae_optimizer_param", Slot: "aae_loss_slot",
    Metric: "aae_metric", Scale: "aae_scale", TrainParam: "aae_trainer_param",
    ReduceKind: "aae_reduce_kind",
}
