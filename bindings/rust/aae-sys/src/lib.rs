//! Raw bindings to libaae: one declaration per item of `include/aae/aae.h`
//! and `include/aae/version.h`, in the header's order. See the header for
//! each function's contract (ownership, thread safety, error messages).
//!
//! C enums are declared as `c_int` type aliases with one constant per
//! enumerator rather than Rust enums: a newer minor release may return
//! values this crate does not know, and an unknown value in a Rust enum is
//! undefined behaviour. (All enumerators are small and non-negative, so the
//! C enum types are int-sized on every supported ABI.)
//!
//! Linking: see build.rs (`AAE_LIB_DIR`, or pkg-config's `aae.pc`).

#![no_std]
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_int, c_uint, c_void};

// --- version.h --------------------------------------------------------

pub const AAE_VERSION_MAJOR: c_uint = 0;
pub const AAE_VERSION_MINOR: c_uint = 1;
pub const AAE_VERSION_PATCH: c_uint = 0;
/// MAJOR*10000 + MINOR*100 + PATCH of the header these bindings match.
pub const AAE_VERSION_NUMBER: c_uint =
    AAE_VERSION_MAJOR * 10000 + AAE_VERSION_MINOR * 100 + AAE_VERSION_PATCH;

// --- opaque handles ---------------------------------------------------

macro_rules! opaque {
    ($($name:ident),* $(,)?) => {$(
        /// Opaque handle; only ever used behind a pointer.
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
            // Not Send, Sync or Unpin: the safe crate decides what the
            // header's thread-safety notes allow.
            _marker: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
        }
    )*};
}

opaque!(
    aae_net,
    aae_optimizer,
    aae_builder,
    aae_model,
    aae_dataset,
    aae_trainer
);

// --- enums --------------------------------------------------------------

pub type aae_status = c_int;
pub const AAE_OK: aae_status = 0;
pub const AAE_ERR_INVALID_ARGUMENT: aae_status = 1;
pub const AAE_ERR_NOMEM: aae_status = 2;
pub const AAE_ERR_IO: aae_status = 3;
pub const AAE_ERR_FORMAT: aae_status = 4;
pub const AAE_ERR_VERSION: aae_status = 5;
pub const AAE_ERR_STATE: aae_status = 6;
pub const AAE_ERR_DIVERGED: aae_status = 7;
pub const AAE_ERR_UNSUPPORTED: aae_status = 8;
pub const AAE_ERR_BUSY: aae_status = 9;
pub const AAE_ERR_CANCELLED: aae_status = 10;

pub type aae_activation = c_int;
pub const AAE_ACT_NONE: aae_activation = 0;
pub const AAE_ACT_RELU: aae_activation = 1;
pub const AAE_ACT_LEAKY_RELU: aae_activation = 2;
pub const AAE_ACT_SIGMOID: aae_activation = 3;
pub const AAE_ACT_TANH: aae_activation = 4;
pub const AAE_ACT_SOFTMAX: aae_activation = 5;

pub type aae_mode = c_int;
pub const AAE_MODE_INFERENCE: aae_mode = 0;
pub const AAE_MODE_TRAINING: aae_mode = 1;

pub type aae_loss_kind = c_int;
pub const AAE_LOSS_MSE: aae_loss_kind = 1;
pub const AAE_LOSS_L1: aae_loss_kind = 2;
pub const AAE_LOSS_BCE: aae_loss_kind = 3;
pub const AAE_LOSS_BCE_WITH_LOGITS: aae_loss_kind = 4;

pub type aae_optimizer_kind = c_int;
/// Phases only: each network keeps its part's optimizer.
pub const AAE_OPTIMIZER_PART: aae_optimizer_kind = 0;
pub const AAE_OPTIMIZER_SGD: aae_optimizer_kind = 1;
pub const AAE_OPTIMIZER_ADAM: aae_optimizer_kind = 2;

pub type aae_optimizer_param = c_int;
pub const AAE_OPT_LR: aae_optimizer_param = 1;
pub const AAE_OPT_MOMENTUM: aae_optimizer_param = 2;
pub const AAE_OPT_DAMPENING: aae_optimizer_param = 3;
pub const AAE_OPT_NESTEROV: aae_optimizer_param = 4;
pub const AAE_OPT_WEIGHT_DECAY: aae_optimizer_param = 5;
pub const AAE_OPT_BETA1: aae_optimizer_param = 6;
pub const AAE_OPT_BETA2: aae_optimizer_param = 7;
pub const AAE_OPT_EPS: aae_optimizer_param = 8;

pub type aae_preset = c_int;
pub const AAE_PRESET_AE: aae_preset = 1;
pub const AAE_PRESET_VAE: aae_preset = 2;
pub const AAE_PRESET_AAE: aae_preset = 3;
pub const AAE_PRESET_SUPERVISED_AAE: aae_preset = 4;
pub const AAE_PRESET_VAE_CLASSIFIER: aae_preset = 5;
pub const AAE_PRESET_CLUSTERING_AAE: aae_preset = 6;
pub const AAE_PRESET_SEMI_SUPERVISED_AAE: aae_preset = 7;

pub type aae_output_kind = c_int;
pub const AAE_OUTPUT_LINEAR: aae_output_kind = 0;
pub const AAE_OUTPUT_SIGMOID: aae_output_kind = 1;
pub const AAE_OUTPUT_TANH: aae_output_kind = 2;

pub type aae_rec_loss_kind = c_int;
pub const AAE_REC_MSE: aae_rec_loss_kind = 0;
pub const AAE_REC_L1: aae_rec_loss_kind = 1;
pub const AAE_REC_BCE: aae_rec_loss_kind = 2;

pub type aae_posterior_kind = c_int;
pub const AAE_POSTERIOR_DETERMINISTIC: aae_posterior_kind = 0;
pub const AAE_POSTERIOR_GAUSSIAN: aae_posterior_kind = 1;

pub type aae_y_head_kind = c_int;
pub const AAE_Y_NONE: aae_y_head_kind = 0;
pub const AAE_Y_SHARED: aae_y_head_kind = 1;
pub const AAE_Y_SEPARATE: aae_y_head_kind = 2;

pub type aae_decoder_input_kind = c_int;
pub const AAE_DECODE_Z: aae_decoder_input_kind = 0;
pub const AAE_DECODE_Z_LABEL: aae_decoder_input_kind = 1;
pub const AAE_DECODE_Z_Y: aae_decoder_input_kind = 2;

pub type aae_z_regularizer_kind = c_int;
pub const AAE_ZREG_NONE: aae_z_regularizer_kind = 0;
pub const AAE_ZREG_KL: aae_z_regularizer_kind = 1;
pub const AAE_ZREG_ADVERSARIAL: aae_z_regularizer_kind = 2;

pub type aae_prior_kind = c_int;
pub const AAE_PRIOR_GAUSSIAN: aae_prior_kind = 0;
pub const AAE_PRIOR_UNIFORM: aae_prior_kind = 1;
pub const AAE_PRIOR_MIXTURE: aae_prior_kind = 2;
pub const AAE_PRIOR_SWISS_ROLL: aae_prior_kind = 3;

pub type aae_supervision_kind = c_int;
pub const AAE_SUPERVISE_NONE: aae_supervision_kind = 0;
pub const AAE_SUPERVISE_JOINT: aae_supervision_kind = 1;
pub const AAE_SUPERVISE_PHASE: aae_supervision_kind = 2;

pub type aae_option = c_int;
pub const AAE_OPTION_INPUT_WIDTH: aae_option = 1;
pub const AAE_OPTION_OUTPUT: aae_option = 2;
pub const AAE_OPTION_REC_LOSS: aae_option = 3;
pub const AAE_OPTION_REC_SUM: aae_option = 4;
pub const AAE_OPTION_Z_WIDTH: aae_option = 5;
pub const AAE_OPTION_POSTERIOR: aae_option = 6;
pub const AAE_OPTION_Y_HEAD: aae_option = 7;
pub const AAE_OPTION_CLASSES: aae_option = 8;
pub const AAE_OPTION_DECODER_INPUT: aae_option = 9;
pub const AAE_OPTION_Z_REGULARIZER: aae_option = 10;
pub const AAE_OPTION_Z_PRIOR: aae_option = 11;
pub const AAE_OPTION_PRIOR_SIGMA: aae_option = 12;
pub const AAE_OPTION_PRIOR_COMPONENTS: aae_option = 13;
pub const AAE_OPTION_PRIOR_RADIUS: aae_option = 14;
pub const AAE_OPTION_PRIOR_SPREAD: aae_option = 15;
pub const AAE_OPTION_PRIOR_LABEL_GUIDED: aae_option = 16;
pub const AAE_OPTION_Y_ADVERSARIAL: aae_option = 17;
pub const AAE_OPTION_Y_SUPERVISED: aae_option = 18;
pub const AAE_OPTION_DETACH_Y: aae_option = 19;
pub const AAE_OPTION_W_REC: aae_option = 20;
pub const AAE_OPTION_W_KL: aae_option = 21;
pub const AAE_OPTION_W_ADV: aae_option = 22;
pub const AAE_OPTION_W_CE: aae_option = 23;
pub const AAE_OPTION_W_DISC: aae_option = 24;
pub const AAE_OPTION_JOINT_GENERATOR: aae_option = 25;
pub const AAE_OPTION_DISC_NOISE: aae_option = 26;
pub const AAE_OPTION_BN_MOMENTUM: aae_option = 27;
pub const AAE_OPTION_BN_EPS: aae_option = 28;
pub const AAE_OPTION_SEED: aae_option = 29;
pub const AAE_OPTION_INPUT_NOISE: aae_option = 30;
pub const AAE_OPTION_INPUT_DROPOUT: aae_option = 31;
pub const AAE_OPTION_HEAD_BATCHNORM: aae_option = 32;
pub const AAE_OPTION_INIT_STD: aae_option = 33;
pub const AAE_OPTION_Z_DISC_SEES_Y: aae_option = 34;

pub type aae_part = c_int;
pub const AAE_PART_ENCODER: aae_part = 0;
pub const AAE_PART_DECODER: aae_part = 1;
pub const AAE_PART_Z_DISCRIMINATOR: aae_part = 2;
pub const AAE_PART_Y_DISCRIMINATOR: aae_part = 3;
pub const AAE_PART_CLASSIFIER: aae_part = 4;

pub type aae_phase = c_int;
pub const AAE_PHASE_RECONSTRUCTION: aae_phase = 0;
pub const AAE_PHASE_Z_DISCRIMINATOR: aae_phase = 1;
pub const AAE_PHASE_Y_DISCRIMINATOR: aae_phase = 2;
pub const AAE_PHASE_GENERATOR: aae_phase = 3;
pub const AAE_PHASE_SEMI_SUPERVISED: aae_phase = 4;

/// Most milestones one phase's schedule holds.
pub const AAE_MAX_MILESTONES: usize = 16;

pub type aae_loss_slot = c_int;
pub const AAE_SLOT_REC: aae_loss_slot = 0;
pub const AAE_SLOT_KL: aae_loss_slot = 1;
pub const AAE_SLOT_CE: aae_loss_slot = 2;
pub const AAE_SLOT_DISC_Z: aae_loss_slot = 3;
pub const AAE_SLOT_GEN_Z: aae_loss_slot = 4;
pub const AAE_SLOT_DISC_Y: aae_loss_slot = 5;
pub const AAE_SLOT_GEN_Y: aae_loss_slot = 6;
pub const AAE_SLOT_COUNT: aae_loss_slot = 7;

pub type aae_ownership = c_int;
pub const AAE_COPY: aae_ownership = 0;
pub const AAE_BORROW: aae_ownership = 1;
pub const AAE_COPY_FINITE: aae_ownership = 2;

pub type aae_scale = c_int;
pub const AAE_SCALE_UNIT: aae_scale = 0;
pub const AAE_SCALE_SYMMETRIC: aae_scale = 1;

pub type aae_metric = c_int;
pub const AAE_METRIC_MSE: aae_metric = 0;
pub const AAE_METRIC_L1: aae_metric = 1;
pub const AAE_METRIC_CLASS_ERROR: aae_metric = 2;
pub const AAE_METRIC_CLUSTER_ACCURACY: aae_metric = 3;
pub const AAE_METRIC_ELBO: aae_metric = 4;
pub const AAE_METRIC_COUNT: aae_metric = 5;

pub type aae_schedule_kind = c_int;
pub const AAE_SCHEDULE_CONSTANT: aae_schedule_kind = 0;
pub const AAE_SCHEDULE_STEP: aae_schedule_kind = 1;
pub const AAE_SCHEDULE_COSINE: aae_schedule_kind = 2;

pub type aae_trainer_param = c_int;
pub const AAE_TRAIN_EPOCHS: aae_trainer_param = 1;
pub const AAE_TRAIN_BATCH_SIZE: aae_trainer_param = 2;
pub const AAE_TRAIN_SHUFFLE: aae_trainer_param = 3;
pub const AAE_TRAIN_SEED: aae_trainer_param = 4;
pub const AAE_TRAIN_DROP_LAST: aae_trainer_param = 5;
pub const AAE_TRAIN_LABELLED_BATCH: aae_trainer_param = 6;
pub const AAE_TRAIN_SCHEDULE: aae_trainer_param = 7;
pub const AAE_TRAIN_STEP_EPOCHS: aae_trainer_param = 8;
pub const AAE_TRAIN_GAMMA: aae_trainer_param = 9;
pub const AAE_TRAIN_HORIZON: aae_trainer_param = 10;
pub const AAE_TRAIN_MIN_FACTOR: aae_trainer_param = 11;
pub const AAE_TRAIN_THREADS: aae_trainer_param = 12;

pub type aae_reduce_kind = c_int;
pub const AAE_REDUCE_GRADIENTS: aae_reduce_kind = 1;
pub const AAE_REDUCE_BATCH_STATS: aae_reduce_kind = 2;
pub const AAE_REDUCE_LOSSES: aae_reduce_kind = 3;
pub const AAE_REDUCE_STATUS: aae_reduce_kind = 4;

// --- callbacks ----------------------------------------------------------

/// Called after every batch; non-zero stops training.
pub type aae_batch_callback = Option<
    unsafe extern "C" fn(
        user: *mut c_void,
        epoch: u64,
        batch: u64,
        batches: u64,
        losses: *const f32,
        samples_per_second: f64,
    ) -> c_int,
>;

/// Called after every epoch (`metrics` NULL without an evaluation
/// dataset); non-zero stops training.
pub type aae_epoch_callback = Option<
    unsafe extern "C" fn(
        user: *mut c_void,
        epoch: u64,
        mean_losses: *const f32,
        metrics: *const f64,
        samples_per_second: f64,
    ) -> c_int,
>;

/// Called once per epoch, before its first batch, for each phase the model
/// has: the factor (finite, >= 0) multiplying the phase's learning rates
/// this epoch.
pub type aae_lr_callback =
    Option<unsafe extern "C" fn(user: *mut c_void, epoch: u64, phase: aae_phase) -> f64>;

/// Data parallelism: replaces `data[0..n)` on every process by its sum
/// over all processes (a collective, e.g. `MPI_Allreduce` with `MPI_SUM`).
pub type aae_allreduce_fn = Option<
    unsafe extern "C" fn(
        user: *mut c_void,
        kind: aae_reduce_kind,
        data: *mut f32,
        n: usize,
    ) -> aae_status,
>;

/// Data parallelism: replaces `data[0..bytes)` on every process by rank
/// 0's (e.g. `MPI_Bcast`).
pub type aae_broadcast_fn =
    Option<unsafe extern "C" fn(user: *mut c_void, data: *mut c_void, bytes: usize) -> aae_status>;

/// An embedder's allocator (`aae_set_allocator`); `ctx` is the pointer
/// given there.
pub type aae_malloc_fn = Option<unsafe extern "C" fn(ctx: *mut c_void, size: usize) -> *mut c_void>;
pub type aae_realloc_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, ptr: *mut c_void, size: usize) -> *mut c_void>;
pub type aae_free_fn = Option<unsafe extern "C" fn(ctx: *mut c_void, ptr: *mut c_void)>;

// --- functions ------------------------------------------------------------

extern "C" {
    // Status and errors
    pub fn aae_status_string(status: aae_status) -> *const c_char;
    pub fn aae_status_name(status: aae_status) -> *const c_char;
    pub fn aae_last_error() -> *const c_char;
    pub fn aae_clear_error();
    pub fn aae_set_error(status: aae_status, message: *const c_char) -> aae_status;

    // Version and runtime
    pub fn aae_version() -> c_uint;
    pub fn aae_version_string() -> *const c_char;
    pub fn aae_blas_info() -> *const c_char;
    pub fn aae_set_num_threads(n: c_int) -> aae_status;
    pub fn aae_get_num_threads() -> c_int;
    pub fn aae_set_allocator(
        malloc_fn: aae_malloc_fn,
        realloc_fn: aae_realloc_fn,
        free_fn: aae_free_fn,
        ctx: *mut c_void,
    ) -> aae_status;

    // Enum names
    pub fn aae_enum_type(index: usize) -> *const c_char;
    pub fn aae_enum_member(
        r#type: *const c_char,
        index: usize,
        name: *mut *const c_char,
        value: *mut c_int,
    ) -> aae_status;
    pub fn aae_enum_name(r#type: *const c_char, value: c_int) -> *const c_char;
    pub fn aae_enum_value(
        r#type: *const c_char,
        name: *const c_char,
        value: *mut c_int,
    ) -> aae_status;

    // Networks
    pub fn aae_net_create(net: *mut *mut aae_net, in_width: usize, seed: u64) -> aae_status;
    pub fn aae_net_free(net: *mut aae_net);
    pub fn aae_net_add_dense(net: *mut aae_net, width: usize) -> aae_status;
    pub fn aae_net_add_activation(net: *mut aae_net, act: aae_activation) -> aae_status;
    pub fn aae_net_add_leaky_relu(net: *mut aae_net, slope: f32) -> aae_status;
    pub fn aae_net_add_batchnorm(net: *mut aae_net, momentum: f32, eps: f32) -> aae_status;
    pub fn aae_net_add_dropout(net: *mut aae_net, p: f32) -> aae_status;
    pub fn aae_net_add_gaussian_noise(net: *mut aae_net, std: f32) -> aae_status;
    pub fn aae_net_widths(
        net: *const aae_net,
        in_width: *mut usize,
        out_width: *mut usize,
    ) -> aae_status;
    pub fn aae_net_param_count(net: *const aae_net, count: *mut usize) -> aae_status;
    pub fn aae_net_get_params(net: *const aae_net, dst: *mut f32, count: usize) -> aae_status;
    pub fn aae_net_set_params(net: *mut aae_net, src: *const f32, count: usize) -> aae_status;
    pub fn aae_net_get_grads(net: *const aae_net, dst: *mut f32, count: usize) -> aae_status;
    pub fn aae_net_zero_grad(net: *mut aae_net) -> aae_status;
    pub fn aae_net_forward(
        net: *mut aae_net,
        x: *const f32,
        rows: usize,
        mode: aae_mode,
        step: u64,
        y: *mut f32,
    ) -> aae_status;
    pub fn aae_net_backward(net: *mut aae_net, dy: *const f32, dx: *mut f32) -> aae_status;
    pub fn aae_net_infer(
        net: *const aae_net,
        x: *const f32,
        rows: usize,
        y: *mut f32,
        scratch: *mut f32,
        scratch_count: usize,
    ) -> aae_status;
    pub fn aae_net_infer_scratch(net: *const aae_net, rows: usize) -> usize;

    // Losses
    pub fn aae_loss(
        kind: aae_loss_kind,
        p: *const f32,
        t: *const f32,
        rows: usize,
        width: usize,
        loss: *mut f32,
        grad: *mut f32,
    ) -> aae_status;
    pub fn aae_loss_cross_entropy(
        logits: *const f32,
        labels: *const i32,
        rows: usize,
        classes: usize,
        loss: *mut f32,
        grad: *mut f32,
    ) -> aae_status;
    pub fn aae_loss_kl_gaussian(
        mu: *const f32,
        logvar: *const f32,
        rows: usize,
        width: usize,
        loss: *mut f32,
        dmu: *mut f32,
        dlogvar: *mut f32,
    ) -> aae_status;

    // Optimizers
    pub fn aae_optimizer_create(
        opt: *mut *mut aae_optimizer,
        kind: aae_optimizer_kind,
        net: *mut aae_net,
    ) -> aae_status;
    pub fn aae_optimizer_free(opt: *mut aae_optimizer);
    pub fn aae_optimizer_set(
        opt: *mut aae_optimizer,
        param: aae_optimizer_param,
        value: f64,
    ) -> aae_status;
    pub fn aae_optimizer_get(
        opt: *const aae_optimizer,
        param: aae_optimizer_param,
        value: *mut f64,
    ) -> aae_status;
    pub fn aae_optimizer_bounds(
        param: aae_optimizer_param,
        lo: *mut f64,
        hi: *mut f64,
    ) -> aae_status;
    pub fn aae_optimizer_step(opt: *mut aae_optimizer) -> aae_status;
    pub fn aae_optimizer_steps(opt: *const aae_optimizer, steps: *mut u64) -> aae_status;

    // Model builder
    pub fn aae_builder_create(builder: *mut *mut aae_builder, preset: aae_preset) -> aae_status;
    pub fn aae_builder_free(builder: *mut aae_builder);
    pub fn aae_builder_set(builder: *mut aae_builder, option: aae_option, value: f64)
        -> aae_status;
    pub fn aae_builder_get(
        builder: *const aae_builder,
        option: aae_option,
        value: *mut f64,
    ) -> aae_status;
    pub fn aae_option_bounds(option: aae_option, lo: *mut f64, hi: *mut f64) -> aae_status;
    pub fn aae_builder_clear_layers(builder: *mut aae_builder, part: aae_part) -> aae_status;
    pub fn aae_builder_add_layer(
        builder: *mut aae_builder,
        part: aae_part,
        width: usize,
        act: aae_activation,
        slope: f32,
        batchnorm: c_int,
        dropout: f32,
    ) -> aae_status;
    pub fn aae_builder_layer_count(
        builder: *const aae_builder,
        part: aae_part,
        count: *mut usize,
    ) -> aae_status;
    pub fn aae_builder_get_layer(
        builder: *const aae_builder,
        part: aae_part,
        index: usize,
        width: *mut usize,
        act: *mut aae_activation,
        slope: *mut f32,
        batchnorm: *mut c_int,
        dropout: *mut f32,
    ) -> aae_status;
    pub fn aae_builder_set_optimizer(
        builder: *mut aae_builder,
        part: aae_part,
        kind: aae_optimizer_kind,
    ) -> aae_status;
    pub fn aae_builder_set_optimizer_param(
        builder: *mut aae_builder,
        part: aae_part,
        param: aae_optimizer_param,
        value: f64,
    ) -> aae_status;
    pub fn aae_builder_get_optimizer(
        builder: *const aae_builder,
        part: aae_part,
        kind: *mut aae_optimizer_kind,
    ) -> aae_status;
    pub fn aae_builder_get_optimizer_param(
        builder: *const aae_builder,
        part: aae_part,
        param: aae_optimizer_param,
        value: *mut f64,
    ) -> aae_status;
    pub fn aae_builder_set_phase_optimizer(
        builder: *mut aae_builder,
        phase: aae_phase,
        kind: aae_optimizer_kind,
    ) -> aae_status;
    pub fn aae_builder_set_phase_optimizer_param(
        builder: *mut aae_builder,
        phase: aae_phase,
        param: aae_optimizer_param,
        value: f64,
    ) -> aae_status;
    pub fn aae_builder_get_phase_optimizer(
        builder: *const aae_builder,
        phase: aae_phase,
        kind: *mut aae_optimizer_kind,
    ) -> aae_status;
    pub fn aae_builder_get_phase_optimizer_param(
        builder: *const aae_builder,
        phase: aae_phase,
        param: aae_optimizer_param,
        value: *mut f64,
    ) -> aae_status;
    pub fn aae_builder_set_phase_milestones(
        builder: *mut aae_builder,
        phase: aae_phase,
        epochs: *const u64,
        count: usize,
        gamma: f64,
    ) -> aae_status;
    pub fn aae_builder_get_phase_milestones(
        builder: *const aae_builder,
        phase: aae_phase,
        epochs: *mut u64,
        capacity: usize,
        count: *mut usize,
        gamma: *mut f64,
    ) -> aae_status;
    pub fn aae_builder_from_model(
        builder: *mut *mut aae_builder,
        model: *const aae_model,
    ) -> aae_status;
    pub fn aae_builder_build(builder: *const aae_builder, model: *mut *mut aae_model)
        -> aae_status;

    // Models
    pub fn aae_model_free(model: *mut aae_model);
    pub fn aae_model_get(
        model: *const aae_model,
        option: aae_option,
        value: *mut f64,
    ) -> aae_status;
    pub fn aae_model_train_step(
        model: *mut aae_model,
        x: *const f32,
        labels: *const i32,
        rows: usize,
        xl: *const f32,
        yl: *const i32,
        rows_l: usize,
        step: u64,
        losses: *mut f32,
    ) -> aae_status;
    pub fn aae_model_scratch(model: *const aae_model, rows: usize) -> usize;
    pub fn aae_model_encode(
        model: *const aae_model,
        x: *const f32,
        rows: usize,
        z: *mut f32,
        y: *mut f32,
        scratch: *mut f32,
        scratch_count: usize,
    ) -> aae_status;
    pub fn aae_model_decode(
        model: *const aae_model,
        z: *const f32,
        c: *const f32,
        rows: usize,
        x: *mut f32,
        scratch: *mut f32,
        scratch_count: usize,
    ) -> aae_status;
    pub fn aae_model_reconstruct(
        model: *const aae_model,
        x: *const f32,
        labels: *const i32,
        rows: usize,
        out: *mut f32,
        scratch: *mut f32,
        scratch_count: usize,
    ) -> aae_status;
    pub fn aae_model_generate(
        model: *const aae_model,
        n: usize,
        seed: u64,
        labels: *const i32,
        x: *mut f32,
        scratch: *mut f32,
        scratch_count: usize,
    ) -> aae_status;
    pub fn aae_model_sample_prior(
        model: *const aae_model,
        n: usize,
        seed: u64,
        labels: *const i32,
        z: *mut f32,
    ) -> aae_status;
    pub fn aae_model_classify(
        model: *const aae_model,
        x: *const f32,
        rows: usize,
        classes: *mut i32,
        probs: *mut f32,
        scratch: *mut f32,
        scratch_count: usize,
    ) -> aae_status;
    pub fn aae_model_class_log_probs(
        model: *const aae_model,
        x: *const f32,
        rows: usize,
        log_probs: *mut f32,
        scratch: *mut f32,
        scratch_count: usize,
    ) -> aae_status;

    // Parameters as named tensors
    pub fn aae_model_tensor_count(model: *const aae_model, count: *mut usize) -> aae_status;
    pub fn aae_model_tensor_info(
        model: *const aae_model,
        index: usize,
        name: *mut *const c_char,
        rows: *mut usize,
        cols: *mut usize,
    ) -> aae_status;
    pub fn aae_model_tensor_get(
        model: *const aae_model,
        index: usize,
        dst: *mut f32,
        count: usize,
    ) -> aae_status;
    pub fn aae_model_tensor_set(
        model: *mut aae_model,
        index: usize,
        src: *const f32,
        count: usize,
    ) -> aae_status;

    // Checkpoints
    pub fn aae_model_save(model: *const aae_model, path: *const c_char) -> aae_status;
    pub fn aae_model_load(model: *mut *mut aae_model, path: *const c_char) -> aae_status;
    pub fn aae_model_save_memory(
        model: *const aae_model,
        buf: *mut c_void,
        cap: usize,
        size: *mut usize,
    ) -> aae_status;
    pub fn aae_model_load_memory(
        model: *mut *mut aae_model,
        buf: *const c_void,
        size: usize,
    ) -> aae_status;
    pub fn aae_model_steps(model: *const aae_model, steps: *mut u64) -> aae_status;

    // Datasets
    pub fn aae_dataset_from_memory(
        ds: *mut *mut aae_dataset,
        x: *const f32,
        labels: *const i32,
        rows: usize,
        width: usize,
        own: aae_ownership,
    ) -> aae_status;
    pub fn aae_dataset_load_idx(
        ds: *mut *mut aae_dataset,
        images_path: *const c_char,
        labels_path: *const c_char,
        scale: aae_scale,
    ) -> aae_status;
    pub fn aae_dataset_free(ds: *mut aae_dataset);
    pub fn aae_dataset_shape(
        ds: *const aae_dataset,
        rows: *mut usize,
        width: *mut usize,
        has_labels: *mut c_int,
    ) -> aae_status;
    pub fn aae_dataset_get_rows(
        ds: *const aae_dataset,
        indices: *const usize,
        n: usize,
        x: *mut f32,
        labels: *mut i32,
    ) -> aae_status;
    pub fn aae_dataset_subset(
        ds: *const aae_dataset,
        indices: *const usize,
        n: usize,
        out: *mut *mut aae_dataset,
    ) -> aae_status;
    pub fn aae_dataset_shuffle(
        ds: *const aae_dataset,
        seed: u64,
        epoch: u64,
        perm: *mut usize,
        rows: usize,
    ) -> aae_status;
    pub fn aae_dataset_split(
        ds: *const aae_dataset,
        valid_rows: usize,
        seed: u64,
        train: *mut *mut aae_dataset,
        valid: *mut *mut aae_dataset,
    ) -> aae_status;
    pub fn aae_dataset_keep_labels(
        ds: *const aae_dataset,
        per_class: usize,
        seed: u64,
        out: *mut *mut aae_dataset,
    ) -> aae_status;

    // Evaluation and the trainer
    pub fn aae_model_evaluate(
        model: *const aae_model,
        ds: *const aae_dataset,
        metrics: *mut f64,
    ) -> aae_status;
    pub fn aae_trainer_create(trainer: *mut *mut aae_trainer) -> aae_status;
    pub fn aae_trainer_free(trainer: *mut aae_trainer);
    pub fn aae_trainer_set(
        trainer: *mut aae_trainer,
        param: aae_trainer_param,
        value: f64,
    ) -> aae_status;
    pub fn aae_trainer_get(
        trainer: *const aae_trainer,
        param: aae_trainer_param,
        value: *mut f64,
    ) -> aae_status;
    pub fn aae_trainer_bounds(param: aae_trainer_param, lo: *mut f64, hi: *mut f64) -> aae_status;
    pub fn aae_trainer_set_callbacks(
        trainer: *mut aae_trainer,
        on_batch: aae_batch_callback,
        on_epoch: aae_epoch_callback,
        user: *mut c_void,
    ) -> aae_status;
    pub fn aae_trainer_set_lr_callback(
        trainer: *mut aae_trainer,
        callback: aae_lr_callback,
        user: *mut c_void,
    ) -> aae_status;
    pub fn aae_trainer_set_eval(trainer: *mut aae_trainer, eval: *const aae_dataset) -> aae_status;
    pub fn aae_trainer_epoch(
        trainer: *mut aae_trainer,
        model: *mut aae_model,
        train: *const aae_dataset,
        labelled: *const aae_dataset,
    ) -> aae_status;
    pub fn aae_trainer_position(
        trainer: *const aae_trainer,
        model: *const aae_model,
        train: *const aae_dataset,
        epoch: *mut u64,
        batch: *mut u64,
        batches: *mut u64,
    ) -> aae_status;
    pub fn aae_trainer_fit(
        trainer: *mut aae_trainer,
        model: *mut aae_model,
        train: *const aae_dataset,
        labelled: *const aae_dataset,
    ) -> aae_status;

    // Data-parallel training
    pub fn aae_trainer_set_parallel(
        trainer: *mut aae_trainer,
        rank: c_uint,
        size: c_uint,
        allreduce: aae_allreduce_fn,
        broadcast: aae_broadcast_fn,
        user: *mut c_void,
    ) -> aae_status;

    // Metrics
    pub fn aae_metric_classification_error(
        predicted: *const i32,
        labels: *const i32,
        rows: usize,
        error: *mut f64,
    ) -> aae_status;
    pub fn aae_metric_clustering_accuracy(
        clusters: *const i32,
        labels: *const i32,
        rows: usize,
        k: usize,
        classes: usize,
        accuracy: *mut f64,
    ) -> aae_status;
}
