//! Safe bindings to libaae: autoencoder-family generative models (AE, VAE,
//! AAE and their supervised, classifier and clustering variants).
//!
//! Handles own their C object and free it on drop. Every fallible call
//! returns [`Result`]; an [`Error`] carries the library's status and
//! message (which names the failing function), or the wrapper's own when it
//! refuses an argument before calling C (buffer lengths are always checked
//! here, so no call can read or write past a slice).
//!
//! Threads, as the header documents them: [`Model`] and [`Dataset`] are
//! `Send + Sync` (model inference takes `&self`; training takes `&mut`);
//! [`Builder`] and [`Trainer`] are `Send` only.
//!
//! ```no_run
//! # fn main() -> aae::Result<()> {
//! let model = aae::Model::load("out/aae/aae.model")?;
//! let rows = 2;
//! let x = vec![0.0f32; rows * model.input_width()];
//! let (z, _y) = model.encode(&x, rows)?;
//! assert_eq!(z.len(), rows * model.z_width());
//! # Ok(()) }
//! ```

mod builder;
mod dataset;
mod enums;
mod error;
mod model;
mod torch;
mod trainer;
mod util;

use std::cell::Cell;
use std::ffi::c_int;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, TryLockError};

pub use aae_sys as sys;
pub use builder::{Builder, Layer};
pub use dataset::Dataset;
pub use enums::{
    Activation, DecoderInput, Losses, Metrics, ModelOption, OptimizerKind, OptimizerParam,
    OutputKind, Part, Phase, Posterior, Preset, Prior, RecLoss, ReduceKind, Scale, Schedule,
    Supervision, TrainerParam, YHead, ZRegularizer, MAX_MILESTONES,
};
pub use error::{Error, Result, Status};
pub use model::{Model, Tensor};
pub use torch::{IncompatibleKeys, StateDict, TorchData, TorchTensor};
pub use trainer::{BatchReport, Collective, EpochReport, Trainer};

use error::{ffi, static_str};

/// The runtime library's version, "MAJOR.MINOR.PATCH".
pub fn version() -> &'static str {
    // SAFETY: static storage, never NULL.
    unsafe { static_str(sys::aae_version_string()) }
}

/// The runtime library's `AAE_VERSION_NUMBER` (MAJOR*10000 + MINOR*100 +
/// PATCH); compare with [`sys::AAE_VERSION_NUMBER`] of these bindings.
pub fn version_number() -> u32 {
    // SAFETY: no arguments.
    unsafe { sys::aae_version() }
}

/// The BLAS the library was built against, e.g. "openblas Haswell".
pub fn blas_info() -> &'static str {
    // SAFETY: static storage, never NULL.
    unsafe { static_str(sys::aae_blas_info()) }
}

/// The header requires `aae_set_num_threads` to run "while no training or
/// inference runs". Every computing call through these bindings holds this
/// lock for reading; [`set_num_threads`] takes it for writing without
/// waiting, so it fails with [`Status::Busy`] instead of racing (or
/// deadlocking when called from a trainer callback).
static BLAS_SETTING: RwLock<()> = RwLock::new(());

thread_local! {
    /// Compute guards alive on this thread: a trainer callback may run
    /// inference inside `fit`, and std's RwLock may panic on a recursive read.
    static GUARDS: Cell<usize> = const { Cell::new(0) };
}

/// Held by every call that computes (see [`BLAS_SETTING`]).
pub(crate) struct ComputeGuard {
    _lock: Option<RwLockReadGuard<'static, ()>>,
}

pub(crate) fn compute_guard() -> ComputeGuard {
    let outer = GUARDS.with(|n| n.replace(n.get() + 1)) == 0;
    // The lock guards no data, so a poisoned lock is still usable.
    ComputeGuard {
        _lock: outer.then(|| BLAS_SETTING.read().unwrap_or_else(PoisonError::into_inner)),
    }
}

impl Drop for ComputeGuard {
    fn drop(&mut self) {
        GUARDS.with(|n| n.set(n.get() - 1));
    }
}

/// Sets how many threads BLAS may use (process-wide, `n >= 1`).
/// [`Status::Unsupported`] when the BLAS has no such control and `n != 1`;
/// [`Status::Busy`] while training or inference runs through these bindings.
/// Code calling libaae directly (C, or [`sys`]) must not compute meanwhile.
pub fn set_num_threads(n: usize) -> Result<()> {
    let _g = match BLAS_SETTING.try_write() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            return Err(Error::new(
                Status::Busy,
                "set_num_threads: training or inference is running",
            ))
        }
    };
    let n = c_int::try_from(n)
        .map_err(|_| Error::invalid(format!("set_num_threads: {n} threads is too many")))?;
    // SAFETY: plain value; no computation runs (we hold the write lock).
    unsafe { ffi!(aae_set_num_threads(n)) }
}

/// The number of BLAS threads in effect (1 when the BLAS cannot say).
pub fn num_threads() -> usize {
    // SAFETY: no arguments.
    let n = unsafe { sys::aae_get_num_threads() };
    usize::try_from(n).unwrap_or(1)
}

/// Thread-safety promises that must not compile:
///
/// ```compile_fail
/// fn sync<T: Sync>() {}
/// sync::<aae::Builder>();
/// ```
///
/// ```compile_fail
/// fn sync<T: Sync>() {}
/// sync::<aae::Trainer<'static>>();
/// ```
///
/// ```compile_fail
/// // A callback must be Send, since the trainer is.
/// let rc = std::rc::Rc::new(());
/// let mut t = aae::Trainer::new().unwrap();
/// t.on_epoch(move |_| { let _ = &rc; std::ops::ControlFlow::Continue(()) });
/// ```
///
/// ```compile_fail
/// // A collective must be Send too.
/// struct Local(std::rc::Rc<()>);
/// impl aae::Collective for Local {
///     fn allreduce(&mut self, _: aae::ReduceKind, _: &mut [f32]) -> aae::Result<()> { Ok(()) }
///     fn broadcast(&mut self, _: &mut [u8]) -> aae::Result<()> { Ok(()) }
/// }
/// let mut c = Local(std::rc::Rc::new(()));
/// let mut t = aae::Trainer::new().unwrap();
/// t.set_parallel(0, 2, Some(&mut c)).unwrap();
/// ```
///
/// ```compile_fail
/// // Training needs exclusive use of the model.
/// fn train(m: &aae::Model) { m.train_step(&[], None, 0, None, 0); }
/// ```
#[cfg(doctest)]
pub struct ThreadSafetyDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
