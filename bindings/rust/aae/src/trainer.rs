//! The trainer: epochs of shuffled minibatches, with Rust closures as
//! progress callbacks and a [`Collective`] for data-parallel training.

use std::any::Any;
use std::ffi::{c_int, c_void};
use std::fmt;
use std::marker::PhantomData;
use std::ops::ControlFlow;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::{self, NonNull};

use aae_sys as sys;

use crate::enums::{Losses, Metrics, Phase, ReduceKind, TrainerParam, METRIC_COUNT, SLOT_COUNT};
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

/// The communication of data-parallel training
/// ([`Trainer::set_parallel`]): each of the `size` processes (or threads)
/// training one model owns one. The library does no communication itself;
/// it calls these at the same points, in the same order, on every process
/// (libaae-mpi implements them with MPI in C).
///
/// Both are collectives: a process returning an error (or panicking) stops
/// its own training, but the others keep waiting in their next call unless
/// the implementation lets them fail too (e.g. by aborting the group).
pub trait Collective {
    /// Replaces `data` on every process by its element-wise sum over all
    /// processes (`MPI_Allreduce` with `MPI_SUM`). To keep the processes'
    /// models bit-identical, every process must compute the same sums (add
    /// the contributions in the same order everywhere).
    fn allreduce(&mut self, kind: ReduceKind, data: &mut [f32]) -> Result<()>;

    /// Replaces `data` on every process by rank 0's (`MPI_Bcast`).
    fn broadcast(&mut self, data: &mut [u8]) -> Result<()>;
}

type EpochFn<'a> = Box<dyn FnMut(&EpochReport) -> ControlFlow<()> + Send + 'a>;
type BatchFn<'a> = Box<dyn FnMut(&BatchReport) -> ControlFlow<()> + Send + 'a>;
type LrFn<'a> = Box<dyn FnMut(u64, Phase) -> f64 + Send + 'a>;

/// The closures and the collective behind the C callbacks' and hooks'
/// `user` pointer.
struct Callbacks<'a> {
    on_epoch: Option<EpochFn<'a>>,
    on_batch: Option<BatchFn<'a>>,
    lr: Option<LrFn<'a>>,
    collective: Option<&'a mut (dyn Collective + Send)>,
    /// A panic caught in a callback or hook: which one, and the payload.
    panic: Option<(&'static str, Box<dyn Any + Send>)>,
    /// The error a hook returned: which hook, and the error.
    hook_error: Option<(&'static str, Error)>,
}

impl<'a> Callbacks<'a> {
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

    /// Runs a [`Collective`] method as [`guard`](Self::guard) runs a
    /// callback: an error is kept and its status returned to C, a panic is
    /// kept and returns `AAE_ERR_CANCELLED`. Returns the hook's status.
    fn hook(
        &mut self,
        which: &'static str,
        f: impl FnOnce(&mut (dyn Collective + Send + 'a)) -> Result<()>,
    ) -> sys::aae_status {
        let Some(collective) = self.collective.as_deref_mut() else {
            // Unreachable: the hooks are registered only with a collective.
            return sys::AAE_ERR_STATE;
        };
        match panic::catch_unwind(AssertUnwindSafe(|| f(collective))) {
            Ok(Ok(())) => sys::AAE_OK,
            Ok(Err(e)) => {
                let code = e.status.code();
                self.hook_error = Some((which, e));
                if code == sys::AAE_OK {
                    sys::AAE_ERR_CANCELLED
                } else {
                    code
                }
            }
            Err(payload) => {
                self.panic = Some((which, payload));
                sys::AAE_ERR_CANCELLED
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
    cbs.guard("epoch callback", |cbs| {
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
    cbs.guard("batch callback", |cbs| {
        cbs.on_batch
            .as_mut()
            .map_or(ControlFlow::Continue(()), |f| f(&report))
    })
}

unsafe extern "C" fn lr_trampoline(user: *mut c_void, epoch: u64, phase: sys::aae_phase) -> f64 {
    // SAFETY: as in epoch_trampoline.
    let cbs = unsafe { &mut *user.cast::<Callbacks<'_>>() };
    // A phase this version of the bindings does not know keeps its rates.
    let Some(phase) = Phase::from_raw(phase) else {
        return 1.0;
    };
    let Some(f) = cbs.lr.as_mut() else {
        return 1.0;
    };
    match panic::catch_unwind(AssertUnwindSafe(|| f(epoch, phase))) {
        Ok(factor) => factor,
        Err(payload) => {
            // NaN: the library refuses the epoch before it trains anything.
            cbs.panic = Some(("learning-rate callback", payload));
            f64::NAN
        }
    }
}

unsafe extern "C" fn allreduce_trampoline(
    user: *mut c_void,
    kind: sys::aae_reduce_kind,
    data: *mut f32,
    n: usize,
) -> sys::aae_status {
    // SAFETY: as in epoch_trampoline; `data` holds `n` floats that only this
    // call accesses (a NULL or empty buffer becomes an empty slice).
    let cbs = unsafe { &mut *user.cast::<Callbacks<'_>>() };
    let data: &mut [f32] = if n == 0 || data.is_null() {
        &mut []
    } else {
        unsafe { std::slice::from_raw_parts_mut(data, n) }
    };
    let kind = ReduceKind::from_raw(kind);
    cbs.hook("allreduce hook", |c| c.allreduce(kind, data))
}

unsafe extern "C" fn broadcast_trampoline(
    user: *mut c_void,
    data: *mut c_void,
    bytes: usize,
) -> sys::aae_status {
    // SAFETY: as in allreduce_trampoline, with `bytes` bytes.
    let cbs = unsafe { &mut *user.cast::<Callbacks<'_>>() };
    let data: &mut [u8] = if bytes == 0 || data.is_null() {
        &mut []
    } else {
        unsafe { std::slice::from_raw_parts_mut(data.cast::<u8>(), bytes) }
    };
    cbs.hook("broadcast hook", |c| c.broadcast(data))
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(non-string panic payload)")
}

/// Drives a model over a dataset (`aae_trainer`). `'a` is the lifetime of
/// the evaluation dataset, of whatever the callbacks borrow and of the
/// [`Collective`].
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
    /// (rank, size) of data-parallel training; size 1: alone.
    parallel: (u32, u32),
}

// SAFETY: the trainer has no thread affinity ("one thread at a time"); the
// callbacks and the collective are Send and the evaluation dataset is Sync.
// Not Sync: no concurrent use is allowed.
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
                lr: None,
                collective: None,
                panic: None,
                hook_error: None,
            }),
            eval: PhantomData,
            parallel: (0, 1),
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

    /// Calls `f(epoch, phase)` once per epoch, before its first batch, for
    /// each [`Phase`] the model has (`aae_trainer_set_lr_callback`): it
    /// returns the factor multiplying that phase's learning rates this
    /// epoch, on top of [`TrainerParam::Schedule`] and the phase's
    /// milestones; `epoch` counts over the model's whole life. A factor that
    /// is not finite and >= 0 stops training with
    /// [`Status::InvalidArgument`] before the epoch trains; a panic in `f`
    /// does too, with a [`Status::Cancelled`] error naming the panic. With
    /// several processes or threads only rank 0's callback is called, on
    /// the thread that called [`fit`](Self::fit) / [`epoch`](Self::epoch).
    pub fn set_lr_callback<F>(&mut self, f: F) -> &mut Self
    where
        F: FnMut(u64, Phase) -> f64 + Send + 'a,
    {
        self.callbacks.lr = Some(Box::new(f));
        self
    }

    /// Removes the callbacks (epoch, batch and learning-rate).
    pub fn clear_callbacks(&mut self) -> &mut Self {
        self.callbacks.on_epoch = None;
        self.callbacks.on_batch = None;
        self.callbacks.lr = None;
        self
    }

    /// Makes this trainer process `rank` of `size` training one model on one
    /// global batch (data parallelism, `aae_trainer_set_parallel`), talking
    /// to the others through `collective`; `size` 1 (with `None`) trains
    /// alone again. Every process then calls [`fit`](Self::fit) or
    /// [`epoch`](Self::epoch) with the same settings and datasets on a
    /// model built from the same options: each epoch starts from rank 0's
    /// model, each batch of [`TrainerParam::BatchSize`] rows is split into
    /// contiguous slices, one per process, and the result equals one
    /// process training with that batch (up to summation order). See the
    /// header for the details.
    ///
    /// `rank >= size`, `size` 0, or `size > 1` without a collective is an
    /// [`Status::InvalidArgument`] error (the previous setting stays). An
    /// error returned by the collective stops training with its status; a
    /// panic in it stops training with a [`Status::Cancelled`] error naming
    /// the panic (it never unwinds through the C library).
    ///
    /// ```no_run
    /// # struct Mpi;
    /// # impl aae::Collective for Mpi {
    /// #     fn allreduce(&mut self, _: aae::ReduceKind, _: &mut [f32]) -> aae::Result<()> { Ok(()) }
    /// #     fn broadcast(&mut self, _: &mut [u8]) -> aae::Result<()> { Ok(()) }
    /// # }
    /// # fn demo(model: &mut aae::Model, data: &aae::Dataset, rank: u32, size: u32) -> aae::Result<()> {
    /// let mut comm = Mpi; // implements aae::Collective
    /// let mut trainer = aae::Trainer::new()?;
    /// trainer.set_parallel(rank, size, Some(&mut comm))?;
    /// trainer.fit(model, data, None)?;
    /// # Ok(()) }
    /// ```
    pub fn set_parallel(
        &mut self,
        rank: u32,
        size: u32,
        collective: Option<&'a mut (dyn Collective + Send)>,
    ) -> Result<&mut Self> {
        let with = collective.is_some();
        let user: *mut Callbacks<'a> = &mut *self.callbacks;
        // SAFETY: valid handle. The hooks cannot run before `run`, which
        // registers them again with a fresh pointer; here the library only
        // checks and stores the arguments.
        unsafe {
            ffi!(aae_trainer_set_parallel(
                self.raw.as_ptr(),
                rank,
                size,
                with.then_some(allreduce_trampoline),
                with.then_some(broadcast_trampoline),
                user.cast()
            ))
        }?;
        self.callbacks.collective = if size > 1 { collective } else { None };
        self.parallel = (rank, size);
        Ok(self)
    }

    /// `(rank, size)` as set by [`set_parallel`](Self::set_parallel);
    /// `(0, 1)` when training alone.
    pub fn parallel(&self) -> (u32, u32) {
        self.parallel
    }

    /// Trains one epoch of `train`; `labelled` feeds the semi-supervised
    /// phase. [`Status::Diverged`] if a step diverged (that step is undone).
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
        let on_lr: sys::aae_lr_callback = self.callbacks.lr.is_some().then_some(lr_trampoline);
        self.callbacks.panic = None;
        self.callbacks.hook_error = None;
        let (rank, size) = self.parallel;
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
        // SAFETY: as above.
        unsafe {
            ffi!(aae_trainer_set_lr_callback(
                self.raw.as_ptr(),
                on_lr,
                user.cast()
            ))
        }?;
        if size > 1 {
            // SAFETY: as above; set_parallel accepted these arguments.
            unsafe {
                ffi!(aae_trainer_set_parallel(
                    self.raw.as_ptr(),
                    rank,
                    size,
                    Some(allreduce_trampoline),
                    Some(broadcast_trampoline),
                    user.cast()
                ))
            }?;
        }
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
                format!("{name}: the {which} panicked: {}", panic_message(&*payload)),
            ));
        }
        if let Some((which, e)) = self.callbacks.hook_error.take() {
            if result.is_err() {
                return Err(Error::new(
                    e.status,
                    format!("{name}: the {which} failed: {}", e.message),
                ));
            }
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
            .field("lr_callback", &self.callbacks.lr.is_some())
            .field("parallel", &self.parallel)
            .finish_non_exhaustive()
    }
}
