//! Buffer and path checks shared by the handle wrappers.

use std::ffi::CString;
use std::path::Path;
use std::ptr;

use crate::error::{Error, Result, Status};

/// Refuses a buffer whose length is not `rows * width`.
pub(crate) fn check_len(
    function: &str,
    what: &str,
    len: usize,
    rows: usize,
    width: usize,
) -> Result<()> {
    match rows.checked_mul(width) {
        Some(n) if n == len => Ok(()),
        Some(n) => Err(Error::invalid(format!(
            "{function}: {what} holds {len} values, {rows} rows x {width} need {n}"
        ))),
        None => Err(Error::invalid(format!(
            "{function}: {rows} rows x {width} overflow"
        ))),
    }
}

/// A path as a C string (on Unix any bytes but NUL; elsewhere UTF-8).
pub(crate) fn path_cstring(function: &str, path: &Path) -> Result<CString> {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path
        .to_str()
        .ok_or_else(|| Error::invalid(format!("{function}: path {} is not UTF-8", path.display())))?
        .as_bytes()
        .to_vec();
    CString::new(bytes).map_err(|_| {
        Error::invalid(format!(
            "{function}: path {} contains a NUL byte",
            path.display()
        ))
    })
}

/// A zeroed buffer of `rows * width`, refusing sizes that overflow or cannot
/// be allocated (instead of aborting the process).
pub(crate) fn zeroed<T: Clone + Default>(
    function: &str,
    rows: usize,
    width: usize,
) -> Result<Vec<T>> {
    let n = rows
        .checked_mul(width)
        .ok_or_else(|| Error::invalid(format!("{function}: {rows} rows x {width} overflow")))?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        Error::new(
            Status::NoMem,
            format!("{function}: cannot allocate {rows} x {width} values"),
        )
    })?;
    v.resize(n, T::default());
    Ok(v)
}

/// A pointer to optional labels, which must hold `rows` entries.
pub(crate) fn labels_ptr(
    function: &str,
    labels: Option<&[i32]>,
    rows: usize,
) -> Result<*const i32> {
    match labels {
        None => Ok(ptr::null()),
        Some(l) => {
            check_len(function, "labels", l.len(), rows, 1)?;
            Ok(l.as_ptr())
        }
    }
}
