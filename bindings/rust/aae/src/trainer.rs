//! The trainer: epochs of shuffled minibatches, with Rust closures as
//! progress callbacks.

use std::any::Any;
use std::ffi::{c_int, c_void};
use std::fmt;
use std::marker::PhantomData;
use std::ops::ControlFlow;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::{self, NonNull};

use aae_sys as sys;

use crate::enums::{Losses, Metrics, TrainerParam, METRIC_COUNT, SLOT_COUNT};
use crate::error::{check, ffi, Error, Result, Status};
use crate::{compute_guard, Dataset, Model};

/// What the epoch callback sees after every epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochReport {
    /// 0-based, counted over the model's whole life.
    pub epoch: u64,
    /// The epoch's mean losses.
    pub losses: Losses,
    /// Metrics on the evaluation dataset, if one is set.
    pub metrics: Option<Metrics>,
    pub samples_per_second: f64,
}

/// What the batch callback sees after every batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchReport {
    pub epoch: u64,
    /// Batch index in the epoch.
    pub batch: u64,
    /// Batches per epoch.
    pub batches: u64,
    /// This step's losses.
    pub losses: Losses,
    /// Samples per second so far this epoch.
    pub samples_per_second: f64,
}

type EpochFn<'a> = Box<dyn FnMut(&EpochReport) -> ControlFlow<()> + Send + 'a>;
type BatchFn<'a> = Box<dyn FnMut(&BatchReport) -> ControlFlow<()> + Send + 'a>;

/// The closures behind the C callbacks' `user` pointer.
struct Callbacks<'a> {
    on_epoch: Option<EpochFn<'a>>,
    on_batch: Option<BatchFn<'a>>,
    /// A panic caught in a callback: which callback, and the payload.
    panic: Option<(&'static str, Box<dyn Any + Send>)>,
}

impl Callbacks<'_> {
    /// Runs a callback without letting a panic unwind into C (which would be
    /// undefined behaviour / an abort): a panic is kept for the Rust side
    /// and stops training like `Break`. Returns the C callback's result.
    fn guard(
        &mut self,
        which: &'static str,
        f: impl FnOnce(&mut Self) -> ControlFlow<()>,
    ) -> c_int {
        match panic::catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(ControlFlow::Continue(())) => 0,
            Ok(ControlFlow::Break(())) => 1,
            Err(payload) => {
                self.panic = Some((which, payload));
                1
            }
        }
    }
}

/// # Safety
/// `p` is NULL or points to `N` readable values.
unsafe fn read_array<T: Copy + Default, const N: usize>(p: *const T) -> [T; N] {
    let mut a = [T::default(); N];
    if !p.is_null() {
        // SAFETY: the caller's promise.
        a.copy_from_slice(unsafe { std::slice::from_raw_parts(p, N) });
    }
    a
}

unsafe extern "C" fn epoch_trampoline(
    user: *mut c_void,
    epoch: u64,
    mean_losses: *const f32,
    metrics: *const f64,
    samples_per_second: f64,
) -> c_int {
    // SAFETY: `user` is the Callbacks that Trainer::run registered and
    // nothing else touches while the C call runs; the arrays hold
    // AAE_SLOT_COUNT floats and AAE_METRIC_COUNT doubles (metrics may be NULL).
    let cbs = unsafe { &mut *user.cast::<Callbacks<'_>>() };
    let report = EpochReport {
        epoch,
        losses: Losses::from(unsafe { read_array::<f32, SLOT_COUNT>(mean_losses) }),
        metrics: (!metrics.is_null())
            .then(|| Metrics::from(unsafe { read_array::<f64, METRIC_COUNT>(metrics) })),
        samples_per_second,
    };
    cbs.guard("epoch", |cbs| {
        cbs.on_epoch
            .as_mut()
            .map_or(ControlFlow::Continue(()), |f| f(&report))
    })
}

unsafe extern "C" fn batch_trampoline(
    user: *mut c_void,
    epoch: u64,
    batch: u64,
    batches: u64,
    losses: *const f32,
    samples_per_second: f64,
) -> c_int {
    // SAFETY: as in epoch_trampoline.
    let cbs = unsafe { &mut *user.cast::<Callbacks<'_>>() };
    let report = BatchReport {
        epoch,
        batch,
        batches,
        losses: Losses::from(unsafe { read_array::<f32, SLOT_COUNT>(losses) }),
        samples_per_second,
    };
    cbs.guard("batch", |cbs| {
        cbs.on_batch
            .as_mut()
            .map_or(ControlFlow::Continue(()), |f| f(&report))
    })
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(non-string panic payload)")
}

/// Drives a model over a dataset (`aae_trainer`). `'a` is the lifetime of
/// the evaluation dataset and of whatever the callbacks borrow.
///
/// ```no_run
/// # fn demo(model: &mut aae::Model, data: &aae::Dataset) -> aae::Result<()> {
/// use std::ops::ControlFlow;
/// use aae::{Trainer, TrainerParam};
/// let mut trainer = Trainer::new()?;
/// trainer.set(TrainerParam::Epochs, 5.0)?.set(TrainerParam::BatchSize, 32.0)?;
/// trainer.on_epoch(|r| {
///     println!("epoch {}: rec {:.4}", r.epoch, r.losses.rec);
///     ControlFlow::Continue(())
/// });
/// trainer.fit(model, data, None)?;
/// # Ok(()) }
/// ```
pub struct Trainer<'a> {
    raw: NonNull<sys::aae_trainer>,
    // Boxed: the C side holds its address during fit/epoch.
    callbacks: Box<Callbacks<'a>>,
    eval: PhantomData<&'a Dataset>,
}

// SAFETY: the trainer has no thread affinity ("one thread at a time"); the
// callbacks are Send and the evaluation dataset is Sync. Not Sync: no
// concurrent use is allowed.
unsafe impl Send for Trainer<'_> {}

impl<'a> Trainer<'a> {
    /// A trainer with the defaults listed at [`TrainerParam`].
    pub fn new() -> Result<Trainer<'a>> {
        let mut raw = ptr::null_mut();
        // SAFETY: out-pointer; on success we own the trainer.
        unsafe { ffi!(aae_trainer_create(&mut raw)) }?;
        let raw = NonNull::new(raw).ok_or_else(|| Error::invalid("aae_trainer_create: NULL"))?;
        Ok(Trainer {
            raw,
            callbacks: Box::new(Callbacks {
                on_epoch: None,
                on_batch: None,
                panic: None,
            }),
            eval: PhantomData,
        })
    }

    pub fn set(&mut self, param: TrainerParam, value: f64) -> Result<&mut Self> {
        // SAFETY: valid handle, exclusive borrow.
        unsafe { ffi!(aae_trainer_set(self.raw.as_ptr(), param as i32, value)) }?;
        Ok(self)
    }

    pub fn get(&self, param: TrainerParam) -> Result<f64> {
        let mut v = 0.0;
        // SAFETY: valid handle and out-pointer.
        unsafe { ffi!(aae_trainer_get(self.raw.as_ptr(), param as i32, &mut v)) }?;
        Ok(v)
    }

    /// A dataset evaluated after every epoch (its metrics reach the epoch
    /// callback), or `None`.
    pub fn set_eval(&mut self, eval: Option<&'a Dataset>) -> Result<&mut Self> {
        let eval = eval.map_or(ptr::null(), Dataset::as_ptr);
        // SAFETY: the dataset outlives 'a, and so every use by this trainer.
        unsafe { ffi!(aae_trainer_set_eval(self.raw.as_ptr(), eval)) }?;
        Ok(self)
    }

    /// Calls `f` after every epoch; `ControlFlow::Break(())` stops training
    /// with [`Status::Cancelled`]. A panic in `f` also stops it: the call
    /// returns a `Cancelled` error naming the panic (it never unwinds
    /// through the C library).
    pub fn on_epoch<F>(&mut self, f: F) -> &mut Self
    where
        F: FnMut(&EpochReport) -> ControlFlow<()> + Send + 'a,
    {
        self.callbacks.on_epoch = Some(Box::new(f));
        self
    }

    /// Calls `f` after every batch, as [`on_epoch`](Self::on_epoch).
    pub fn on_batch<F>(&mut self, f: F) -> &mut Self
    where
        F: FnMut(&BatchReport) -> ControlFlow<()> + Send + 'a,
    {
        self.callbacks.on_batch = Some(Box::new(f));
        self
    }

    /// Removes both callbacks.
    pub fn clear_callbacks(&mut self) -> &mut Self {
        self.callbacks.on_epoch = None;
        self.callbacks.on_batch = None;
        self
    }

    /// Trains one epoch of `train`; `labelled` feeds the semi-supervised
    /// phase. [`Status::Diverged`] if a loss became NaN/Inf.
    pub fn epoch(
        &mut self,
        model: &mut Model,
        train: &Dataset,
        labelled: Option<&Dataset>,
    ) -> Result<()> {
        self.run(
            sys::aae_trainer_epoch,
            "aae_trainer_epoch",
            model,
            train,
            labelled,
        )
    }

    /// [`TrainerParam::Epochs`] epochs, stopping at the first error.
    pub fn fit(
        &mut self,
        model: &mut Model,
        train: &Dataset,
        labelled: Option<&Dataset>,
    ) -> Result<()> {
        self.run(
            sys::aae_trainer_fit,
            "aae_trainer_fit",
            model,
            train,
            labelled,
        )
    }

    fn run(
        &mut self,
        call: unsafe extern "C" fn(
            *mut sys::aae_trainer,
            *mut sys::aae_model,
            *const sys::aae_dataset,
            *const sys::aae_dataset,
        ) -> sys::aae_status,
        name: &str,
        model: &mut Model,
        train: &Dataset,
        labelled: Option<&Dataset>,
    ) -> Result<()> {
        let on_batch: sys::aae_batch_callback = self
            .callbacks
            .on_batch
            .is_some()
            .then_some(batch_trampoline);
        let on_epoch: sys::aae_epoch_callback = self
            .callbacks
            .on_epoch
            .is_some()
            .then_some(epoch_trampoline);
        self.callbacks.panic = None;
        // Registered afresh for each call, from a pointer derived last, so
        // the trampolines' &mut is the only access while C runs.
        let user: *mut Callbacks<'a> = &mut *self.callbacks;
        // SAFETY: valid handle; `user` stays valid until after the C call.
        unsafe {
            ffi!(aae_trainer_set_callbacks(
                self.raw.as_ptr(),
                on_batch,
                on_epoch,
                user.cast()
            ))
        }?;
        let status = {
            let _g = compute_guard();
            // SAFETY: valid handles; the model is exclusively borrowed.
            unsafe {
                call(
                    self.raw.as_ptr(),
                    model.as_mut_ptr(),
                    train.as_ptr(),
                    labelled.map_or(ptr::null(), Dataset::as_ptr),
                )
            }
        };
        let result = check(status, name);
        if let Some((which, payload)) = self.callbacks.panic.take() {
            return Err(Error::new(
                Status::Cancelled,
                format!(
                    "{name}: the {which} callback panicked: {}",
                    panic_message(&*payload)
                ),
            ));
        }
        result
    }
}

impl Drop for Trainer<'_> {
    fn drop(&mut self) {
        // SAFETY: we own the handle; it is not used again.
        unsafe { sys::aae_trainer_free(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for Trainer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trainer")
            .field("on_epoch", &self.callbacks.on_epoch.is_some())
            .field("on_batch", &self.callbacks.on_batch.is_some())
            .finish_non_exhaustive()
    }
}
