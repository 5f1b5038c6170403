//! Errors: a status code and the library's message for it.

use std::ffi::{c_char, CStr};
use std::fmt;

use aae_sys as sys;

/// Why a call failed: the library's `aae_status`, minus `AAE_OK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// NULL, zero, out of range, wrong width (also the wrapper's own
    /// argument checks).
    InvalidArgument,
    /// Allocation failed or a size overflowed.
    NoMem,
    /// A file could not be read or written.
    Io,
    /// A file or buffer is malformed.
    Format,
    /// A file was written by a newer format.
    Version,
    /// Call not valid in the handle's state.
    State,
    /// A loss or parameter became NaN/Inf; parameters are those before the step.
    Diverged,
    /// A valid request this build cannot do.
    Unsupported,
    /// The handle (or the process-wide BLAS setting) is in use elsewhere.
    Busy,
    /// A trainer callback asked to stop (or panicked).
    Cancelled,
    /// A status this version of the bindings does not know.
    Other(i32),
}

impl Status {
    fn from_raw(status: sys::aae_status) -> Status {
        match status {
            sys::AAE_ERR_INVALID_ARGUMENT => Status::InvalidArgument,
            sys::AAE_ERR_NOMEM => Status::NoMem,
            sys::AAE_ERR_IO => Status::Io,
            sys::AAE_ERR_FORMAT => Status::Format,
            sys::AAE_ERR_VERSION => Status::Version,
            sys::AAE_ERR_STATE => Status::State,
            sys::AAE_ERR_DIVERGED => Status::Diverged,
            sys::AAE_ERR_UNSUPPORTED => Status::Unsupported,
            sys::AAE_ERR_BUSY => Status::Busy,
            sys::AAE_ERR_CANCELLED => Status::Cancelled,
            other => Status::Other(other),
        }
    }

    /// The C value (`aae_status`).
    pub fn code(self) -> i32 {
        match self {
            Status::InvalidArgument => sys::AAE_ERR_INVALID_ARGUMENT,
            Status::NoMem => sys::AAE_ERR_NOMEM,
            Status::Io => sys::AAE_ERR_IO,
            Status::Format => sys::AAE_ERR_FORMAT,
            Status::Version => sys::AAE_ERR_VERSION,
            Status::State => sys::AAE_ERR_STATE,
            Status::Diverged => sys::AAE_ERR_DIVERGED,
            Status::Unsupported => sys::AAE_ERR_UNSUPPORTED,
            Status::Busy => sys::AAE_ERR_BUSY,
            Status::Cancelled => sys::AAE_ERR_CANCELLED,
            Status::Other(code) => code,
        }
    }

    /// The enumerator's name, e.g. `"AAE_ERR_NOMEM"`.
    pub fn name(self) -> &'static str {
        // SAFETY: never NULL; static storage.
        unsafe { static_str(sys::aae_status_name(self.code())) }
    }
}

impl fmt::Display for Status {
    /// The library's short description, e.g. "invalid argument".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SAFETY: never NULL; static storage.
        f.write_str(unsafe { static_str(sys::aae_status_string(self.code())) })
    }
}

/// A failed call: its status and a message naming the function and the bad
/// argument or condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub status: Status,
    pub message: String,
}

/// `std::result::Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Error {
        Error {
            status,
            message: message.into(),
        }
    }

    /// An argument the wrapper refuses before calling the library.
    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::new(Status::InvalidArgument, message)
    }

    /// The status of a failed `function` and this thread's last-error text.
    /// Must run right after the call: the next libaae call on this thread
    /// replaces the message.
    fn from_call(status: sys::aae_status, function: &str) -> Error {
        let status = Status::from_raw(status);
        // SAFETY: thread-local NUL-terminated string, copied before any other call.
        let text = unsafe { CStr::from_ptr(sys::aae_last_error()) }.to_string_lossy();
        // Most messages already start with the C function's name; a few
        // (option range checks, allocation failures) do not.
        let message = if text.is_empty() {
            format!("{function}: {status}")
        } else if text.starts_with(function) {
            text.into_owned()
        } else {
            format!("{function}: {text}")
        };
        Error { status, message }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.status.name())
    }
}

impl std::error::Error for Error {}

/// `Ok(())` for `AAE_OK`, else the error of `function`.
pub(crate) fn check(status: sys::aae_status, function: &str) -> Result<()> {
    if status == sys::AAE_OK {
        Ok(())
    } else {
        Err(Error::from_call(status, function))
    }
}

/// Calls `sys::$f(args)` and turns its status into a `Result<()>` whose
/// message names `$f`. The caller writes the `unsafe` block around it.
macro_rules! ffi {
    ($f:ident($($arg:expr),* $(,)?)) => {
        $crate::error::check(aae_sys::$f($($arg),*), stringify!($f))
    };
}
pub(crate) use ffi;

/// A library string of static storage.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string that is never freed.
pub(crate) unsafe fn static_str(p: *const c_char) -> &'static str {
    if p.is_null() {
        return "";
    }
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .unwrap_or("(not UTF-8)")
}
