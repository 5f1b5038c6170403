//! Built or loaded models: inference, training steps, checkpoints, tensors.

use std::ffi::{c_void, CStr};
use std::fmt;
use std::path::Path;
use std::ptr::{self, NonNull};

use aae_sys as sys;

use crate::enums::{DecoderInput, Losses, Metrics, ModelOption, YHead, METRIC_COUNT, SLOT_COUNT};
use crate::error::{ffi, Error, Result};
use crate::util::{check_len, labels_ptr, path_cstring, zeroed};
use crate::{compute_guard, Dataset};

/// A model's widths, fixed when it is built or loaded.
#[derive(Debug, Clone, Copy)]
struct Shape {
    input_width: usize,
    z_width: usize,
    classes: usize,
    y_head: bool,
    decoder_input: DecoderInput,
}

/// A model (`aae_model`).
///
/// Inference (`encode`, `decode`, `reconstruct`, `generate`,
/// `sample_prior`, `classify`, `class_log_probs`, `evaluate`) takes `&self`
/// and may run on many threads at once, as the header documents; training
/// and setting tensors take `&mut self`, which gives them the exclusive use
/// they need. Each inference call lets the library allocate its own scratch.
pub struct Model {
    raw: NonNull<sys::aae_model>,
    shape: Shape,
}

// SAFETY: the header: "the inference functions only read the model and may
// run on many threads at once; training, loading parameters and freeing
// need exclusive use". Every &self method is such a read (inference,
// getters, tensor reads, saving); every mutation takes &mut self or self.
unsafe impl Send for Model {}
unsafe impl Sync for Model {}

/// One named parameter or BatchNorm statistic, in PyTorch `state_dict`
/// naming ("encoder.0.weight", shape [out x in]).
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub name: String,
    pub rows: usize,
    pub cols: usize,
    /// `rows * cols` floats, row-major.
    pub values: Vec<f32>,
}

impl Model {
    /// Takes ownership of a model returned by `function`.
    ///
    /// # Safety
    /// `raw` must be NULL or a model nobody else owns or uses.
    pub(crate) unsafe fn from_raw(raw: *mut sys::aae_model, function: &str) -> Result<Model> {
        let raw = NonNull::new(raw)
            .ok_or_else(|| Error::invalid(format!("{function}: returned NULL")))?;
        let mut model = Model {
            raw,
            shape: Shape {
                input_width: 0,
                z_width: 0,
                classes: 0,
                y_head: false,
                decoder_input: DecoderInput::Z,
            },
        };
        // Options are fixed once built; read the ones that size buffers once.
        // (On error `model` is dropped, which frees it.)
        let size = |v: f64| v as usize;
        model.shape.input_width = size(model.get(ModelOption::InputWidth)?);
        model.shape.z_width = size(model.get(ModelOption::ZWidth)?);
        model.shape.classes = size(model.get(ModelOption::Classes)?);
        model.shape.y_head = model.get(ModelOption::YHead)? != f64::from(YHead::None);
        let input = model.get(ModelOption::DecoderInput)?;
        model.shape.decoder_input = [DecoderInput::Z, DecoderInput::ZLabel, DecoderInput::ZY]
            .into_iter()
            .find(|d| f64::from(*d) == input)
            .ok_or_else(|| Error::invalid(format!("{function}: unknown decoder input {input}")))?;
        Ok(model)
    }

    /// Loads a checkpoint (`aae_model_load`).
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        let path = path_cstring("Model::load", path.as_ref())?;
        let mut raw = ptr::null_mut();
        // SAFETY: NUL-terminated path and out-pointer; on success we own the model.
        unsafe { ffi!(aae_model_load(&mut raw, path.as_ptr())) }?;
        // SAFETY: a new model owned by nobody else.
        unsafe { Model::from_raw(raw, "aae_model_load") }
    }

    /// Loads a checkpoint from memory (`aae_model_load_memory`).
    pub fn load_memory(bytes: &[u8]) -> Result<Model> {
        let mut raw = ptr::null_mut();
        // SAFETY: the buffer is valid for bytes.len() bytes during the call.
        unsafe {
            ffi!(aae_model_load_memory(
                &mut raw,
                bytes.as_ptr().cast::<c_void>(),
                bytes.len()
            ))
        }?;
        // SAFETY: a new model owned by nobody else.
        unsafe { Model::from_raw(raw, "aae_model_load_memory") }
    }

    /// Saves the whole training state, atomically replacing `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path_cstring("Model::save", path.as_ref())?;
        // SAFETY: valid handle and NUL-terminated path.
        unsafe { ffi!(aae_model_save(self.raw.as_ptr(), path.as_ptr())) }
    }

    /// The checkpoint as bytes (`aae_model_save_memory`).
    pub fn save_memory(&self) -> Result<Vec<u8>> {
        let mut size = 0;
        // SAFETY: NULL buffer: only the size is written.
        unsafe {
            ffi!(aae_model_save_memory(
                self.raw.as_ptr(),
                ptr::null_mut(),
                0,
                &mut size
            ))
        }?;
        let mut buf = zeroed::<u8>("Model::save_memory", size, 1)?;
        let cap = buf.len();
        // SAFETY: buf holds cap bytes; the model cannot change in between (&self).
        unsafe {
            ffi!(aae_model_save_memory(
                self.raw.as_ptr(),
                buf.as_mut_ptr().cast(),
                cap,
                &mut size
            ))
        }?;
        buf.truncate(size);
        Ok(buf)
    }

    /// An independent copy (through an in-memory checkpoint).
    pub fn try_clone(&self) -> Result<Model> {
        Model::load_memory(&self.save_memory()?)
    }

    /// An option the model was built with.
    pub fn get(&self, option: ModelOption) -> Result<f64> {
        let mut v = 0.0;
        // SAFETY: valid handle and out-pointer.
        unsafe { ffi!(aae_model_get(self.raw.as_ptr(), option as i32, &mut v)) }?;
        Ok(v)
    }

    /// Features per input row.
    pub fn input_width(&self) -> usize {
        self.shape.input_width
    }

    /// Width of the code z.
    pub fn z_width(&self) -> usize {
        self.shape.z_width
    }

    /// K: classes of the y head and of the decoder's label / y input.
    pub fn classes(&self) -> usize {
        self.shape.classes
    }

    /// Whether the encoder has a categorical y head (class probabilities).
    pub fn has_y_head(&self) -> bool {
        self.shape.y_head
    }

    /// What the decoder reads besides z.
    pub fn decoder_input(&self) -> DecoderInput {
        self.shape.decoder_input
    }

    /// Training steps taken so far (restored by load).
    pub fn steps(&self) -> Result<u64> {
        let mut steps = 0;
        // SAFETY: valid handle and out-pointer.
        unsafe { ffi!(aae_model_steps(self.raw.as_ptr(), &mut steps)) }?;
        Ok(steps)
    }

    /// Encodes `rows` rows of x into z (`rows x z_width`; the mean for a
    /// Gaussian posterior) and, for a model with a y head, the class
    /// probabilities (`rows x classes`).
    pub fn encode(&self, x: &[f32], rows: usize) -> Result<(Vec<f32>, Option<Vec<f32>>)> {
        const F: &str = "Model::encode";
        check_len(F, "x", x.len(), rows, self.input_width())?;
        let mut z = zeroed(F, rows, self.z_width())?;
        let mut y = if self.has_y_head() {
            Some(zeroed(F, rows, self.classes())?)
        } else {
            None
        };
        let y_ptr = y.as_mut().map_or(ptr::null_mut(), |y| y.as_mut_ptr());
        let _g = compute_guard();
        // SAFETY: x, z and y hold rows x their widths; NULL scratch is allowed.
        unsafe {
            ffi!(aae_model_encode(
                self.raw.as_ptr(),
                x.as_ptr(),
                rows,
                z.as_mut_ptr(),
                y_ptr,
                ptr::null_mut(),
                0
            ))
        }?;
        Ok((z, y))
    }

    /// Decodes `rows` codes z into rows of x. `c` (`rows x classes`: one-hot
    /// labels or y) is required exactly when [`decoder_input`](Self::decoder_input)
    /// is not `Z`.
    pub fn decode(&self, z: &[f32], c: Option<&[f32]>, rows: usize) -> Result<Vec<f32>> {
        const F: &str = "Model::decode";
        check_len(F, "z", z.len(), rows, self.z_width())?;
        let c_ptr = match c {
            Some(c) => {
                check_len(F, "c", c.len(), rows, self.classes())?;
                c.as_ptr()
            }
            None => ptr::null(),
        };
        let mut x = zeroed(F, rows, self.input_width())?;
        let _g = compute_guard();
        // SAFETY: buffers sized above; NULL scratch is allowed.
        unsafe {
            ffi!(aae_model_decode(
                self.raw.as_ptr(),
                z.as_ptr(),
                c_ptr,
                rows,
                x.as_mut_ptr(),
                ptr::null_mut(),
                0
            ))
        }?;
        Ok(x)
    }

    /// decode(encode(x)); `labels` (one per row) are required when the
    /// decoder reads labels.
    pub fn reconstruct(&self, x: &[f32], labels: Option<&[i32]>, rows: usize) -> Result<Vec<f32>> {
        const F: &str = "Model::reconstruct";
        check_len(F, "x", x.len(), rows, self.input_width())?;
        let labels = labels_ptr(F, labels, rows)?;
        let mut out = zeroed(F, rows, self.input_width())?;
        let _g = compute_guard();
        // SAFETY: buffers sized above; NULL scratch is allowed.
        unsafe {
            ffi!(aae_model_reconstruct(
                self.raw.as_ptr(),
                x.as_ptr(),
                labels,
                rows,
                out.as_mut_ptr(),
                ptr::null_mut(),
                0
            ))
        }?;
        Ok(out)
    }

    /// Draws `n` samples (`n x input_width`): z from the prior keyed by
    /// `seed`, classes from `labels` (one per sample; `None`: uniform) when
    /// the decoder reads them.
    pub fn generate(&self, n: usize, seed: u64, labels: Option<&[i32]>) -> Result<Vec<f32>> {
        const F: &str = "Model::generate";
        let labels = labels_ptr(F, labels, n)?;
        let mut x = zeroed(F, n, self.input_width())?;
        let _g = compute_guard();
        // SAFETY: buffers sized above; NULL scratch is allowed.
        unsafe {
            ffi!(aae_model_generate(
                self.raw.as_ptr(),
                n,
                seed,
                labels,
                x.as_mut_ptr(),
                ptr::null_mut(),
                0
            ))
        }?;
        Ok(x)
    }

    /// Draws `n` codes (`n x z_width`) exactly as [`generate`](Self::generate)
    /// does for the same seed; `labels` (-1 = any) pick mixture components
    /// when the prior is label-guided.
    pub fn sample_prior(&self, n: usize, seed: u64, labels: Option<&[i32]>) -> Result<Vec<f32>> {
        const F: &str = "Model::sample_prior";
        let labels = labels_ptr(F, labels, n)?;
        let mut z = zeroed(F, n, self.z_width())?;
        // SAFETY: buffers sized above.
        unsafe {
            ffi!(aae_model_sample_prior(
                self.raw.as_ptr(),
                n,
                seed,
                labels,
                z.as_mut_ptr()
            ))
        }?;
        Ok(z)
    }

    /// The most probable class of each row and the class probabilities
    /// (`rows x classes`); needs a y head.
    pub fn classify(&self, x: &[f32], rows: usize) -> Result<(Vec<i32>, Vec<f32>)> {
        const F: &str = "Model::classify";
        check_len(F, "x", x.len(), rows, self.input_width())?;
        let mut classes = zeroed(F, rows, 1)?;
        let mut probs = zeroed(F, rows, self.classes())?;
        let _g = compute_guard();
        // SAFETY: buffers sized above; NULL scratch is allowed.
        unsafe {
            ffi!(aae_model_classify(
                self.raw.as_ptr(),
                x.as_ptr(),
                rows,
                classes.as_mut_ptr(),
                probs.as_mut_ptr(),
                ptr::null_mut(),
                0
            ))
        }?;
        Ok((classes, probs))
    }

    /// `log q(y|x)` of each row (`rows x classes`) from the logits; unlike
    /// the log of `classify`'s probabilities it still orders rows whose
    /// largest probability rounds to 1. Needs a y head.
    pub fn class_log_probs(&self, x: &[f32], rows: usize) -> Result<Vec<f32>> {
        const F: &str = "Model::class_log_probs";
        check_len(F, "x", x.len(), rows, self.input_width())?;
        let mut out = zeroed(F, rows, self.classes())?;
        let _g = compute_guard();
        // SAFETY: buffers sized above; NULL scratch is allowed.
        unsafe {
            ffi!(aae_model_class_log_probs(
                self.raw.as_ptr(),
                x.as_ptr(),
                rows,
                out.as_mut_ptr(),
                ptr::null_mut(),
                0
            ))
        }?;
        Ok(out)
    }

    /// Evaluates the model on a dataset of its input width (inference mode).
    pub fn evaluate(&self, data: &Dataset) -> Result<Metrics> {
        let mut m = [0.0; METRIC_COUNT];
        let _g = compute_guard();
        // SAFETY: valid handles; m holds AAE_METRIC_COUNT doubles.
        unsafe {
            ffi!(aae_model_evaluate(
                self.raw.as_ptr(),
                data.as_ptr(),
                m.as_mut_ptr()
            ))
        }?;
        Ok(Metrics::from(m))
    }

    /// One training step on a minibatch of `rows` rows. `labels` (one per
    /// row, -1 = unlabelled) are needed by label-reading options;
    /// `labelled` (x, labels) is the labelled batch of a semi-supervised
    /// phase. `step` keys the step's random draws. On
    /// [`Status::Diverged`](crate::Status::Diverged) (a loss or an updated value not finite) the
    /// whole model is as before the step.
    pub fn train_step(
        &mut self,
        x: &[f32],
        labels: Option<&[i32]>,
        rows: usize,
        labelled: Option<(&[f32], &[i32])>,
        step: u64,
    ) -> Result<Losses> {
        const F: &str = "Model::train_step";
        check_len(F, "x", x.len(), rows, self.input_width())?;
        let labels = labels_ptr(F, labels, rows)?;
        let (xl, yl, rows_l) = match labelled {
            Some((xl, yl)) => {
                check_len(F, "labelled x", xl.len(), yl.len(), self.input_width())?;
                (xl.as_ptr(), yl.as_ptr(), yl.len())
            }
            None => (ptr::null(), ptr::null(), 0),
        };
        let mut losses = [0.0; SLOT_COUNT];
        let _g = compute_guard();
        // SAFETY: exclusive borrow; buffers sized above; losses holds AAE_SLOT_COUNT floats.
        unsafe {
            ffi!(aae_model_train_step(
                self.raw.as_ptr(),
                x.as_ptr(),
                labels,
                rows,
                xl,
                yl,
                rows_l,
                step,
                losses.as_mut_ptr()
            ))
        }?;
        Ok(Losses::from(losses))
    }

    /// Number of named tensors.
    pub fn tensor_count(&self) -> Result<usize> {
        let mut n = 0;
        // SAFETY: valid handle and out-pointer.
        unsafe { ffi!(aae_model_tensor_count(self.raw.as_ptr(), &mut n)) }?;
        Ok(n)
    }

    /// Name and shape of tensor `index`.
    pub(crate) fn tensor_info(&self, index: usize) -> Result<(String, usize, usize)> {
        let (mut name, mut rows, mut cols) = (ptr::null(), 0, 0);
        // SAFETY: valid handle and out-pointers.
        unsafe {
            ffi!(aae_model_tensor_info(
                self.raw.as_ptr(),
                index,
                &mut name,
                &mut rows,
                &mut cols
            ))
        }?;
        if name.is_null() {
            return Err(Error::invalid("aae_model_tensor_info: NULL name"));
        }
        // SAFETY: a NUL-terminated name owned by the model, copied at once.
        let name = unsafe { CStr::from_ptr(name) }
            .to_string_lossy()
            .into_owned();
        Ok((name, rows, cols))
    }

    /// Tensor `index` with its values.
    pub fn tensor(&self, index: usize) -> Result<Tensor> {
        let (name, rows, cols) = self.tensor_info(index)?;
        let mut values = zeroed("Model::tensor", rows, cols)?;
        // SAFETY: values holds rows * cols floats.
        unsafe {
            ffi!(aae_model_tensor_get(
                self.raw.as_ptr(),
                index,
                values.as_mut_ptr(),
                values.len()
            ))
        }?;
        Ok(Tensor {
            name,
            rows,
            cols,
            values,
        })
    }

    /// Every tensor, in the model's order (a PyTorch-style state dict).
    pub fn tensors(&self) -> Result<Vec<Tensor>> {
        (0..self.tensor_count()?).map(|i| self.tensor(i)).collect()
    }

    /// Replaces the values of the tensors named in `tensors` (any subset, any
    /// order). Every name and shape is checked before anything is written.
    pub fn set_tensors(&mut self, tensors: &[Tensor]) -> Result<()> {
        const F: &str = "Model::set_tensors";
        let mut index = std::collections::HashMap::new();
        for i in 0..self.tensor_count()? {
            let (name, rows, cols) = self.tensor_info(i)?;
            index.insert(name, (i, rows, cols));
        }
        let mut plan = Vec::with_capacity(tensors.len());
        for t in tensors {
            let &(i, rows, cols) = index.get(&t.name).ok_or_else(|| {
                Error::invalid(format!("{F}: the model has no tensor {}", t.name))
            })?;
            if (t.rows, t.cols) != (rows, cols) {
                return Err(Error::invalid(format!(
                    "{F}: {} is {rows} x {cols} in the model, {} x {} given",
                    t.name, t.rows, t.cols
                )));
            }
            check_len(F, &t.name, t.values.len(), rows, cols)?;
            plan.push((i, &t.values));
        }
        for (i, values) in plan {
            // SAFETY: exclusive borrow; values holds the tensor's rows * cols floats.
            unsafe {
                ffi!(aae_model_tensor_set(
                    self.raw.as_ptr(),
                    i,
                    values.as_ptr(),
                    values.len()
                ))
            }?;
        }
        Ok(())
    }

    pub(crate) fn as_ptr(&self) -> *const sys::aae_model {
        self.raw.as_ptr()
    }

    pub(crate) fn as_mut_ptr(&mut self) -> *mut sys::aae_model {
        self.raw.as_ptr()
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: we own the handle; it is not used again.
        unsafe { sys::aae_model_free(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("input_width", &self.shape.input_width)
            .field("z_width", &self.shape.z_width)
            .field("classes", &self.shape.classes)
            .field("y_head", &self.shape.y_head)
            .field("decoder_input", &self.shape.decoder_input)
            .finish()
    }
}
