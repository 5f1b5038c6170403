//! A model's tensors in PyTorch's `state_dict` layout:
//! [`Model::state_dict`] and [`Model::load_state_dict`].
//!
//! [`Model::tensors`] keeps libaae's own 2-D layout (a bias or a BatchNorm
//! vector is 1 x n). PyTorch's `state_dict` of the same `nn.Sequential`
//! holds those vectors 1-D `[n]`, Linear weights `[out, in]`, and one more
//! entry per BatchNorm1d, `num_batches_tracked`, a 0-d int64.
//!
//! `num_batches_tracked`: libaae does not count the batches each BatchNorm
//! layer has seen. PyTorch reads the count only when momentum is None (a
//! cumulative average), which libaae does not have: its running statistics
//! always move by a fixed momentum, and then the count changes no number.
//! [`Model::state_dict`] gives every BatchNorm the model's training step
//! count ([`Model::steps`]): 0 untrained, as a fresh PyTorch module, and
//! otherwise the steps taken, each of which updated the statistics (PyTorch
//! would count every training forward; a step may forward a network more
//! than once). [`Model::load_state_dict`] checks it (0-d, >= 0) and
//! ignores it.

use std::collections::{HashMap, HashSet};

use crate::error::{ffi, Error, Result};
use crate::Model;

/// The values of a [`TorchTensor`]: floats, or the integer of a
/// `num_batches_tracked`.
#[derive(Debug, Clone, PartialEq)]
pub enum TorchData {
    F32(Vec<f32>),
    I64(Vec<i64>),
}

/// One entry of a PyTorch-layout state dict: its shape (`[]` for a scalar)
/// and row-major values (as many as the shape's product).
#[derive(Debug, Clone, PartialEq)]
pub struct TorchTensor {
    pub shape: Vec<usize>,
    pub data: TorchData,
}

/// A state dict in PyTorch's order: (name, tensor) pairs.
pub type StateDict = Vec<(String, TorchTensor)>;

/// What a non-strict [`Model::load_state_dict`] did not match, as PyTorch's
/// `_IncompatibleKeys`: the model's names absent from the dict, and the
/// dict's names the model does not have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncompatibleKeys {
    pub missing_keys: Vec<String>,
    pub unexpected_keys: Vec<String>,
}

const COUNT: &str = "num_batches_tracked";
const F: &str = "Model::load_state_dict";

/// One entry of the PyTorch layout: name, shape, library tensor index
/// (None for num_batches_tracked).
struct Slot {
    name: String,
    shape: Vec<usize>,
    index: Option<usize>,
}

fn layout(index: &[(String, usize, usize)]) -> Vec<Slot> {
    let bn: HashSet<&str> = index
        .iter()
        .filter_map(|(n, _, _)| n.strip_suffix(".running_mean"))
        .collect();
    let mut out = Vec::with_capacity(index.len() + bn.len());
    for (i, (name, rows, cols)) in index.iter().enumerate() {
        let (prefix, what) = name.rsplit_once('.').unwrap_or(("", name));
        let vector = matches!(what, "bias" | "running_mean" | "running_var")
            || (what == "weight" && bn.contains(prefix));
        let shape = if vector {
            vec![rows * cols]
        } else {
            vec![*rows, *cols]
        };
        out.push(Slot {
            name: name.clone(),
            shape,
            index: Some(i),
        });
        if what == "running_var" {
            out.push(Slot {
                name: format!("{prefix}.{COUNT}"),
                shape: vec![],
                index: None,
            });
        }
    }
    out
}

fn check_len(name: &str, shape: &[usize], len: usize) -> Result<()> {
    let n: usize = shape.iter().product();
    if n == len {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{F}: {name} has shape {shape:?} ({n} values) but holds {len}"
    )))
}

/// The library's rule for stored values: finite, running_var >= 0.
fn check_values(name: &str, values: &[f32]) -> Result<()> {
    let var = name.ends_with(".running_var");
    match values
        .iter()
        .position(|v| !v.is_finite() || (var && *v < 0.0))
    {
        None => Ok(()),
        Some(i) => Err(Error::invalid(format!(
            "{F}: {name} element {i} is {} (must be finite{})",
            values[i],
            if var { " and >= 0" } else { "" }
        ))),
    }
}

fn check_count(name: &str, t: &TorchTensor) -> Result<()> {
    if !t.shape.is_empty() {
        return Err(Error::invalid(format!(
            "{F}: {name} has shape [] in PyTorch's layout, the value {:?}",
            t.shape
        )));
    }
    match &t.data {
        TorchData::I64(v) if v.len() == 1 && v[0] >= 0 => Ok(()),
        TorchData::I64(v) if v.len() == 1 => Err(Error::invalid(format!(
            "{F}: {name} must be >= 0, not {}",
            v[0]
        ))),
        TorchData::I64(v) => check_len(name, &t.shape, v.len()),
        TorchData::F32(_) => Err(Error::invalid(format!(
            "{F}: {name} must be an integer (TorchData::I64)"
        ))),
    }
}

impl Model {
    /// The library's tensors: (name, rows, cols) in order.
    fn tensor_index(&self) -> Result<Vec<(String, usize, usize)>> {
        (0..self.tensor_count()?)
            .map(|i| self.tensor_info(i))
            .collect()
    }

    /// Every tensor in PyTorch's `state_dict` layout and order: Linear
    /// weights `[out, in]`, biases and BatchNorm vectors `[n]`, and a 0-d
    /// `num_batches_tracked` per BatchNorm holding [`Model::steps`] (see the
    /// module's documentation).
    pub fn state_dict(&self) -> Result<StateDict> {
        let index = self.tensor_index()?;
        let steps = i64::try_from(self.steps()?)
            .map_err(|_| Error::invalid("Model::state_dict: step count exceeds i64"))?;
        let mut out = Vec::new();
        for slot in layout(&index) {
            let data = match slot.index {
                None => TorchData::I64(vec![steps]),
                Some(i) => TorchData::F32(self.tensor(i)?.values),
            };
            out.push((
                slot.name,
                TorchTensor {
                    shape: slot.shape,
                    data,
                },
            ));
        }
        Ok(out)
    }

    /// Writes a state dict in PyTorch's layout, as `torch`'s
    /// `load_state_dict`: with `strict` an unknown or a missing name is an
    /// error (both listed); every value must have the tensor's PyTorch shape
    /// (whatever `strict` is), f32 data of that many finite values
    /// (running_var >= 0); `num_batches_tracked` must be a 0-d I64 >= 0 and
    /// is ignored. A name given twice is an error. Everything is checked
    /// before anything is written, and a library failure while writing
    /// restores every tensor: a failed load changes nothing.
    pub fn load_state_dict(
        &mut self,
        state_dict: &[(String, TorchTensor)],
        strict: bool,
    ) -> Result<IncompatibleKeys> {
        let index = self.tensor_index()?;
        let slots = layout(&index);
        let known: HashMap<&str, &Slot> = slots.iter().map(|s| (s.name.as_str(), s)).collect();
        let mut given = HashSet::new();
        for (name, _) in state_dict {
            if !given.insert(name.as_str()) {
                return Err(Error::invalid(format!("{F}: {name} is given twice")));
            }
        }
        let keys = IncompatibleKeys {
            missing_keys: slots
                .iter()
                .filter(|s| !given.contains(s.name.as_str()))
                .map(|s| s.name.clone())
                .collect(),
            unexpected_keys: state_dict
                .iter()
                .filter(|(n, _)| !known.contains_key(n.as_str()))
                .map(|(n, _)| n.clone())
                .collect(),
        };
        if strict && (!keys.missing_keys.is_empty() || !keys.unexpected_keys.is_empty()) {
            let mut parts = Vec::new();
            if !keys.unexpected_keys.is_empty() {
                parts.push(format!(
                    "unexpected key(s): {}",
                    keys.unexpected_keys.join(", ")
                ));
            }
            if !keys.missing_keys.is_empty() {
                parts.push(format!("missing key(s): {}", keys.missing_keys.join(", ")));
            }
            return Err(Error::invalid(format!("{F}: {}", parts.join("; "))));
        }
        let mut plan = Vec::new();
        for (name, t) in state_dict {
            let Some(slot) = known.get(name.as_str()) else {
                continue;
            };
            let Some(i) = slot.index else {
                check_count(name, t)?;
                continue;
            };
            if t.shape != slot.shape {
                return Err(Error::invalid(format!(
                    "{F}: {name} has shape {:?} in PyTorch's layout, the value {:?}",
                    slot.shape, t.shape
                )));
            }
            let TorchData::F32(values) = &t.data else {
                return Err(Error::invalid(format!(
                    "{F}: {name} must hold floats (TorchData::F32)"
                )));
            };
            check_len(name, &t.shape, values.len())?;
            check_values(name, values)?;
            plan.push((i, values));
        }
        let before = if plan.is_empty() {
            Vec::new()
        } else {
            self.tensors()?
        };
        for (i, values) in plan {
            if let Err(e) = self.set_tensor_values(i, values) {
                for (j, t) in before.iter().enumerate() {
                    let _ = self.set_tensor_values(j, &t.values);
                }
                return Err(e);
            }
        }
        Ok(keys)
    }

    /// Writes tensor `index` (`values` must hold its rows * cols floats).
    fn set_tensor_values(&mut self, index: usize, values: &[f32]) -> Result<()> {
        let ptr = self.as_mut_ptr();
        // SAFETY: exclusive borrow; values holds the tensor's rows * cols
        // floats (checked against the shape by the caller).
        unsafe {
            ffi!(aae_model_tensor_set(
                ptr,
                index,
                values.as_ptr(),
                values.len()
            ))
        }
    }
}
