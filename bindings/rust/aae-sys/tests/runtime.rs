//! Links against the real library: version agreement and that the status
//! constants name the library's own enumerators.

use aae_sys::*;
use std::ffi::CStr;

fn text(p: *const std::ffi::c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: the library returns NUL-terminated static strings.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

#[test]
fn version_matches_header() {
    let v = unsafe { aae_version() };
    assert_eq!(
        v / 10000,
        AAE_VERSION_MAJOR,
        "library major version differs from the bindings'"
    );
    assert!(
        v >= AAE_VERSION_NUMBER,
        "library {v} older than the bindings' {AAE_VERSION_NUMBER}"
    );
    let s = text(unsafe { aae_version_string() });
    assert_eq!(s, format!("{}.{}.{}", v / 10000, v / 100 % 100, v % 100));
}

#[test]
fn status_constants_match_library_names() {
    let expected = [
        (AAE_OK, "AAE_OK"),
        (AAE_ERR_INVALID_ARGUMENT, "AAE_ERR_INVALID_ARGUMENT"),
        (AAE_ERR_NOMEM, "AAE_ERR_NOMEM"),
        (AAE_ERR_IO, "AAE_ERR_IO"),
        (AAE_ERR_FORMAT, "AAE_ERR_FORMAT"),
        (AAE_ERR_VERSION, "AAE_ERR_VERSION"),
        (AAE_ERR_STATE, "AAE_ERR_STATE"),
        (AAE_ERR_DIVERGED, "AAE_ERR_DIVERGED"),
        (AAE_ERR_UNSUPPORTED, "AAE_ERR_UNSUPPORTED"),
        (AAE_ERR_BUSY, "AAE_ERR_BUSY"),
        (AAE_ERR_CANCELLED, "AAE_ERR_CANCELLED"),
    ];
    for (status, name) in expected {
        assert_eq!(text(unsafe { aae_status_name(status) }), name);
    }
    assert_eq!(text(unsafe { aae_status_name(999) }), "AAE_ERR_UNKNOWN");
}

#[test]
fn failure_sets_last_error() {
    let mut b = std::ptr::null_mut();
    let st = unsafe { aae_builder_create(&mut b, 0) };
    assert_eq!(st, AAE_ERR_INVALID_ARGUMENT);
    assert!(b.is_null());
    assert!(!text(unsafe { aae_last_error() }).is_empty());
    unsafe { aae_clear_error() };
    assert!(text(unsafe { aae_last_error() }).is_empty());
}
