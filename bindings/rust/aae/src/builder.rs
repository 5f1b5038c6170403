//! Model builder: a preset's option defaults, edited, then built.

use std::fmt;
use std::ptr::{self, NonNull};

use aae_sys as sys;

use crate::enums::{Activation, ModelOption, OptimizerKind, OptimizerParam, Part, Phase, Preset};
use crate::error::{ffi, Error, Result};
use crate::Model;

/// One hidden layer of a model part: dense(width), then batch norm if
/// `batchnorm`, then `activation` (`slope` is LeakyReLU's), then dropout
/// if `dropout > 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layer {
    pub width: usize,
    pub activation: Activation,
    /// Negative slope of [`Activation::LeakyRelu`] (ignored otherwise).
    pub slope: f32,
    pub batchnorm: bool,
    /// Drop probability in [0, 1).
    pub dropout: f32,
}

impl Layer {
    /// A dense layer with an activation; LeakyReLU slope 0.01 (PyTorch's),
    /// no batch norm, no dropout.
    pub fn new(width: usize, activation: Activation) -> Layer {
        Layer {
            width,
            activation,
            slope: 0.01,
            batchnorm: false,
            dropout: 0.0,
        }
    }

    #[must_use]
    pub fn slope(self, slope: f32) -> Layer {
        Layer { slope, ..self }
    }

    #[must_use]
    pub fn batchnorm(self) -> Layer {
        Layer {
            batchnorm: true,
            ..self
        }
    }

    #[must_use]
    pub fn dropout(self, p: f32) -> Layer {
        Layer { dropout: p, ..self }
    }
}

/// Builds models (`aae_builder`). Setters return `&mut Self` for chaining:
///
/// ```no_run
/// # fn main() -> aae::Result<()> {
/// use aae::{Activation, Builder, Layer, ModelOption, Part, Preset};
/// let mut b = Builder::new(Preset::Ae)?;
/// b.set(ModelOption::InputWidth, 16.0)?.set(ModelOption::ZWidth, 4.0)?;
/// b.clear_layers(Part::Encoder)?.add_layer(Part::Encoder, Layer::new(32, Activation::Relu))?;
/// let model = b.build()?;
/// # Ok(()) }
/// ```
pub struct Builder {
    raw: NonNull<sys::aae_builder>,
}

// SAFETY: "a builder is used from one thread at a time": it has no thread
// affinity, and &mut / & borrows keep uses apart. Not Sync: the header
// promises nothing for concurrent reads.
unsafe impl Send for Builder {}

impl Builder {
    /// A builder holding `preset`'s defaults.
    pub fn new(preset: Preset) -> Result<Builder> {
        let mut raw = ptr::null_mut();
        // SAFETY: out-pointer; on success we own the builder.
        unsafe { ffi!(aae_builder_create(&mut raw, preset as i32)) }?;
        let raw = NonNull::new(raw).ok_or_else(|| Error::invalid("aae_builder_create: NULL"))?;
        Ok(Builder { raw })
    }

    /// A builder holding the options `model` was built with (a loaded
    /// model's too), so the getters read them and a changed copy can build
    /// another model (`aae_builder_from_model`).
    pub fn from_model(model: &Model) -> Result<Builder> {
        let mut raw = ptr::null_mut();
        // SAFETY: out-pointer and a valid model, only read (as inference
        // reads it); on success we own the builder.
        unsafe { ffi!(aae_builder_from_model(&mut raw, model.as_ptr())) }?;
        let raw =
            NonNull::new(raw).ok_or_else(|| Error::invalid("aae_builder_from_model: NULL"))?;
        Ok(Builder { raw })
    }

    /// Sets one option (checked against [`ModelOption::bounds`]);
    /// combinations are checked by [`build`](Builder::build).
    pub fn set(&mut self, option: ModelOption, value: f64) -> Result<&mut Self> {
        // SAFETY: valid handle, exclusive borrow.
        unsafe { ffi!(aae_builder_set(self.raw.as_ptr(), option as i32, value)) }?;
        Ok(self)
    }

    pub fn get(&self, option: ModelOption) -> Result<f64> {
        let mut v = 0.0;
        // SAFETY: valid handle and out-pointer.
        unsafe { ffi!(aae_builder_get(self.raw.as_ptr(), option as i32, &mut v)) }?;
        Ok(v)
    }

    /// Removes all hidden layers of `part`.
    pub fn clear_layers(&mut self, part: Part) -> Result<&mut Self> {
        // SAFETY: valid handle, exclusive borrow.
        unsafe { ffi!(aae_builder_clear_layers(self.raw.as_ptr(), part as i32)) }?;
        Ok(self)
    }

    /// Appends a hidden layer to `part` (the part's output layer is added by
    /// the builder).
    pub fn add_layer(&mut self, part: Part, layer: Layer) -> Result<&mut Self> {
        // SAFETY: valid handle, exclusive borrow, plain values.
        unsafe {
            ffi!(aae_builder_add_layer(
                self.raw.as_ptr(),
                part as i32,
                layer.width,
                layer.activation as i32,
                layer.slope,
                i32::from(layer.batchnorm),
                layer.dropout,
            ))
        }?;
        Ok(self)
    }

    /// The hidden layers of `part`.
    pub fn layers(&self, part: Part) -> Result<Vec<Layer>> {
        let mut n = 0;
        // SAFETY: valid handle and out-pointer.
        unsafe {
            ffi!(aae_builder_layer_count(
                self.raw.as_ptr(),
                part as i32,
                &mut n
            ))
        }?;
        (0..n)
            .map(|i| {
                let (mut width, mut act, mut slope, mut bn, mut dropout) = (0, 0, 0.0, 0, 0.0);
                // SAFETY: valid handle, index < count, out-pointers.
                unsafe {
                    ffi!(aae_builder_get_layer(
                        self.raw.as_ptr(),
                        part as i32,
                        i,
                        &mut width,
                        &mut act,
                        &mut slope,
                        &mut bn,
                        &mut dropout,
                    ))
                }?;
                let activation = Activation::from_raw(act).ok_or_else(|| {
                    Error::invalid(format!("Builder::layers: unknown activation {act}"))
                })?;
                Ok(Layer {
                    width,
                    activation,
                    slope,
                    batchnorm: bn != 0,
                    dropout,
                })
            })
            .collect()
    }

    /// Optimizer of `part` (the encoder's also serves the generator and
    /// semi-supervised phases), used in every phase without an optimizer of
    /// its own ([`set_phase_optimizer`](Builder::set_phase_optimizer)).
    pub fn set_optimizer(&mut self, part: Part, kind: OptimizerKind) -> Result<&mut Self> {
        // SAFETY: valid handle, exclusive borrow.
        unsafe {
            ffi!(aae_builder_set_optimizer(
                self.raw.as_ptr(),
                part as i32,
                kind as i32
            ))
        }?;
        Ok(self)
    }

    pub fn optimizer(&self, part: Part) -> Result<OptimizerKind> {
        let mut kind = 0;
        // SAFETY: valid handle and out-pointer.
        unsafe {
            ffi!(aae_builder_get_optimizer(
                self.raw.as_ptr(),
                part as i32,
                &mut kind
            ))
        }?;
        OptimizerKind::from_raw(kind)
            .ok_or_else(|| Error::invalid(format!("Builder::optimizer: unknown kind {kind}")))
    }

    pub fn set_optimizer_param(
        &mut self,
        part: Part,
        param: OptimizerParam,
        value: f64,
    ) -> Result<&mut Self> {
        // SAFETY: valid handle, exclusive borrow.
        unsafe {
            ffi!(aae_builder_set_optimizer_param(
                self.raw.as_ptr(),
                part as i32,
                param as i32,
                value
            ))
        }?;
        Ok(self)
    }

    pub fn optimizer_param(&self, part: Part, param: OptimizerParam) -> Result<f64> {
        let mut v = 0.0;
        // SAFETY: valid handle and out-pointer.
        unsafe {
            ffi!(aae_builder_get_optimizer_param(
                self.raw.as_ptr(),
                part as i32,
                param as i32,
                &mut v
            ))
        }?;
        Ok(v)
    }

    /// Gives `phase` its own optimizer of `kind` with PyTorch's defaults for
    /// the kind; `None` sends the phase back to each network's part
    /// optimizer (C's `AAE_OPTIMIZER_PART`). Every network the phase steps
    /// then uses these settings in that phase; the other phases are not
    /// affected. A model without the phase refuses it at
    /// [`build`](Builder::build).
    pub fn set_phase_optimizer(
        &mut self,
        phase: Phase,
        kind: Option<OptimizerKind>,
    ) -> Result<&mut Self> {
        let kind = kind.map_or(sys::AAE_OPTIMIZER_PART, |k| k as i32);
        // SAFETY: valid handle, exclusive borrow.
        unsafe {
            ffi!(aae_builder_set_phase_optimizer(
                self.raw.as_ptr(),
                phase as i32,
                kind
            ))
        }?;
        Ok(self)
    }

    /// The phase's own optimizer kind; `None` if it uses its networks' part
    /// optimizers.
    pub fn phase_optimizer(&self, phase: Phase) -> Result<Option<OptimizerKind>> {
        let mut kind = 0;
        // SAFETY: valid handle and out-pointer.
        unsafe {
            ffi!(aae_builder_get_phase_optimizer(
                self.raw.as_ptr(),
                phase as i32,
                &mut kind
            ))
        }?;
        if kind == sys::AAE_OPTIMIZER_PART {
            return Ok(None);
        }
        OptimizerKind::from_raw(kind)
            .map(Some)
            .ok_or_else(|| Error::invalid(format!("Builder::phase_optimizer: unknown kind {kind}")))
    }

    /// Sets one setting of the phase's own optimizer
    /// ([`Status::InvalidArgument`](crate::Status::InvalidArgument) if it
    /// has none: set its kind first).
    pub fn set_phase_optimizer_param(
        &mut self,
        phase: Phase,
        param: OptimizerParam,
        value: f64,
    ) -> Result<&mut Self> {
        // SAFETY: valid handle, exclusive borrow.
        unsafe {
            ffi!(aae_builder_set_phase_optimizer_param(
                self.raw.as_ptr(),
                phase as i32,
                param as i32,
                value
            ))
        }?;
        Ok(self)
    }

    pub fn phase_optimizer_param(&self, phase: Phase, param: OptimizerParam) -> Result<f64> {
        let mut v = 0.0;
        // SAFETY: valid handle and out-pointer.
        unsafe {
            ffi!(aae_builder_get_phase_optimizer_param(
                self.raw.as_ptr(),
                phase as i32,
                param as i32,
                &mut v
            ))
        }?;
        Ok(v)
    }

    /// A milestone schedule for `phase` (PyTorch's MultiStepLR): its
    /// learning rates are multiplied by `gamma` once for each milestone at
    /// or below the epoch, counted over the model's whole life (so a resumed
    /// run keeps its schedule). `epochs`: at most
    /// [`MAX_MILESTONES`](crate::MAX_MILESTONES) strictly increasing values,
    /// each at least 1; empty removes the schedule. `gamma` in (0, 1000].
    /// Saved with the model.
    pub fn set_phase_milestones(
        &mut self,
        phase: Phase,
        epochs: &[u64],
        gamma: f64,
    ) -> Result<&mut Self> {
        // SAFETY: valid handle, exclusive borrow; `epochs` holds len values.
        unsafe {
            ffi!(aae_builder_set_phase_milestones(
                self.raw.as_ptr(),
                phase as i32,
                epochs.as_ptr(),
                epochs.len(),
                gamma
            ))
        }?;
        Ok(self)
    }

    /// The phase's milestones and gamma (no milestones: no schedule).
    pub fn phase_milestones(&self, phase: Phase) -> Result<(Vec<u64>, f64)> {
        let mut epochs = [0u64; sys::AAE_MAX_MILESTONES];
        let (mut count, mut gamma) = (0, 0.0);
        // SAFETY: valid handle; `epochs` holds `capacity` values.
        unsafe {
            ffi!(aae_builder_get_phase_milestones(
                self.raw.as_ptr(),
                phase as i32,
                epochs.as_mut_ptr(),
                epochs.len(),
                &mut count,
                &mut gamma
            ))
        }?;
        let kept = epochs.get(..count).ok_or_else(|| {
            Error::invalid(format!(
                "Builder::phase_milestones: {count} milestones, more than {}",
                epochs.len()
            ))
        })?;
        Ok((kept.to_vec(), gamma))
    }

    /// Builds a model; conflicting options are refused with a message naming
    /// both. The builder is unchanged and the model independent of it.
    pub fn build(&self) -> Result<Model> {
        let mut raw = ptr::null_mut();
        // SAFETY: valid handle and out-pointer; on success we own the model.
        unsafe { ffi!(aae_builder_build(self.raw.as_ptr(), &mut raw)) }?;
        // SAFETY: a model just built, owned by nobody else.
        unsafe { Model::from_raw(raw, "aae_builder_build") }
    }
}

impl Drop for Builder {
    fn drop(&mut self) {
        // SAFETY: we own the handle; it is not used again.
        unsafe { sys::aae_builder_free(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder").finish_non_exhaustive()
    }
}
