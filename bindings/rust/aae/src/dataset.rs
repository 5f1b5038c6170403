//! Immutable datasets of rows with optional labels.

use std::fmt;
use std::path::Path;
use std::ptr::{self, NonNull};

use aae_sys as sys;

use crate::enums::Scale;
use crate::error::{ffi, Error, Result};
use crate::util::{check_len, labels_ptr, path_cstring, zeroed};

/// Rows of `width` features with optional labels (-1 = unlabelled)
/// (`aae_dataset`). Always owns its data (the C API's borrowing mode is not
/// exposed), so it has no lifetime.
pub struct Dataset {
    raw: NonNull<sys::aae_dataset>,
    rows: usize,
    width: usize,
    has_labels: bool,
}

// SAFETY: "a dataset is immutable after creation; any number of threads may
// read it at once", and it owns its memory.
unsafe impl Send for Dataset {}
unsafe impl Sync for Dataset {}

impl Dataset {
    /// Takes ownership of a dataset returned by `function`.
    ///
    /// # Safety
    /// `raw` must be NULL or a dataset nobody else owns.
    unsafe fn from_raw(raw: *mut sys::aae_dataset, function: &str) -> Result<Dataset> {
        let raw = NonNull::new(raw)
            .ok_or_else(|| Error::invalid(format!("{function}: returned NULL")))?;
        let mut ds = Dataset {
            raw,
            rows: 0,
            width: 0,
            has_labels: false,
        };
        let mut has_labels = 0;
        // SAFETY: valid handle and out-pointers. (On error `ds` frees it.)
        unsafe {
            ffi!(aae_dataset_shape(
                raw.as_ptr(),
                &mut ds.rows,
                &mut ds.width,
                &mut has_labels
            ))
        }?;
        ds.has_labels = has_labels != 0;
        Ok(ds)
    }

    /// A dataset holding a copy of `rows` rows of `x` (`rows x width`) and
    /// optional labels (one per row, each -1 or >= 0). Non-finite values are
    /// refused with their row.
    pub fn from_slice(
        x: &[f32],
        labels: Option<&[i32]>,
        rows: usize,
        width: usize,
    ) -> Result<Dataset> {
        const F: &str = "Dataset::from_slice";
        check_len(F, "x", x.len(), rows, width)?;
        let labels = labels_ptr(F, labels, rows)?;
        let mut raw = ptr::null_mut();
        // SAFETY: buffers sized above, read during the call only (AAE_COPY).
        unsafe {
            ffi!(aae_dataset_from_memory(
                &mut raw,
                x.as_ptr(),
                labels,
                rows,
                width,
                sys::AAE_COPY
            ))
        }?;
        // SAFETY: a new dataset owned by nobody else.
        unsafe { Dataset::from_raw(raw, "aae_dataset_from_memory") }
    }

    /// Loads an IDX images file (unsigned bytes, rows x features) and
    /// optionally its IDX labels file; bytes are scaled to floats per batch.
    pub fn load_idx(
        images: impl AsRef<Path>,
        labels: Option<&Path>,
        scale: Scale,
    ) -> Result<Dataset> {
        const F: &str = "Dataset::load_idx";
        let images = path_cstring(F, images.as_ref())?;
        let labels = labels.map(|p| path_cstring(F, p)).transpose()?;
        let mut raw = ptr::null_mut();
        // SAFETY: NUL-terminated paths (labels NULL to skip) and out-pointer.
        unsafe {
            ffi!(aae_dataset_load_idx(
                &mut raw,
                images.as_ptr(),
                labels.as_ref().map_or(ptr::null(), |l| l.as_ptr()),
                scale as i32
            ))
        }?;
        // SAFETY: a new dataset owned by nobody else.
        unsafe { Dataset::from_raw(raw, "aae_dataset_load_idx") }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn has_labels(&self) -> bool {
        self.has_labels
    }

    /// Rows `indices` as floats (`n x width`) and their labels (-1 for an
    /// unlabelled dataset).
    pub fn get_rows(&self, indices: &[usize]) -> Result<(Vec<f32>, Vec<i32>)> {
        const F: &str = "Dataset::get_rows";
        let n = indices.len();
        let (mut x, mut labels) = (zeroed(F, n, self.width)?, zeroed(F, n, 1)?);
        // SAFETY: x holds n x width floats, labels n; the library checks each index.
        unsafe {
            ffi!(aae_dataset_get_rows(
                self.raw.as_ptr(),
                indices.as_ptr(),
                n,
                x.as_mut_ptr(),
                labels.as_mut_ptr()
            ))
        }?;
        Ok((x, labels))
    }

    /// A new dataset holding copies of rows `indices`.
    pub fn subset(&self, indices: &[usize]) -> Result<Dataset> {
        let mut raw = ptr::null_mut();
        // SAFETY: indices valid for its length; out-pointer.
        unsafe {
            ffi!(aae_dataset_subset(
                self.raw.as_ptr(),
                indices.as_ptr(),
                indices.len(),
                &mut raw
            ))
        }?;
        // SAFETY: a new dataset owned by nobody else.
        unsafe { Dataset::from_raw(raw, "aae_dataset_subset") }
    }

    /// The deterministic permutation of row indices for (seed, epoch) that
    /// the trainer uses.
    pub fn shuffle(&self, seed: u64, epoch: u64) -> Result<Vec<usize>> {
        let mut perm = vec![0; self.rows];
        // SAFETY: perm holds `rows` entries.
        unsafe {
            ffi!(aae_dataset_shuffle(
                self.raw.as_ptr(),
                seed,
                epoch,
                perm.as_mut_ptr(),
                perm.len()
            ))
        }?;
        Ok(perm)
    }

    /// Splits off `valid_rows` random rows (by seed): (train, valid).
    pub fn split(&self, valid_rows: usize, seed: u64) -> Result<(Dataset, Dataset)> {
        let (mut train, mut valid) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: out-pointers; on success we own both datasets.
        unsafe {
            ffi!(aae_dataset_split(
                self.raw.as_ptr(),
                valid_rows,
                seed,
                &mut train,
                &mut valid
            ))
        }?;
        // SAFETY: new datasets owned by nobody else. Wrap both before
        // checking either, so an error cannot leak the other.
        let train = unsafe { Dataset::from_raw(train, "aae_dataset_split") };
        let valid = unsafe { Dataset::from_raw(valid, "aae_dataset_split") };
        Ok((train?, valid?))
    }

    /// A copy in which only `per_class` random rows of each class keep
    /// their label (for semi-supervised training).
    pub fn keep_labels(&self, per_class: usize, seed: u64) -> Result<Dataset> {
        let mut raw = ptr::null_mut();
        // SAFETY: out-pointer; on success we own the dataset.
        unsafe {
            ffi!(aae_dataset_keep_labels(
                self.raw.as_ptr(),
                per_class,
                seed,
                &mut raw
            ))
        }?;
        // SAFETY: a new dataset owned by nobody else.
        unsafe { Dataset::from_raw(raw, "aae_dataset_keep_labels") }
    }

    pub(crate) fn as_ptr(&self) -> *const sys::aae_dataset {
        self.raw.as_ptr()
    }
}

impl Drop for Dataset {
    fn drop(&mut self) {
        // SAFETY: we own the handle; it is not used again.
        unsafe { sys::aae_dataset_free(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dataset")
            .field("rows", &self.rows)
            .field("width", &self.width)
            .field("has_labels", &self.has_labels)
            .finish()
    }
}
