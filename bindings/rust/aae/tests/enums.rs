//! Each mirrored enum against the library's own list of its C enum's
//! members (`aae_enum_member`, `aae_enum_value`): every variant is the
//! member of its name (CamelCase of the name without the common prefix) and
//! value, and no member is missing.

use std::ffi::{c_char, c_int, CStr, CString};

use aae::{
    Activation, DecoderInput, ModelOption, OptimizerKind, OptimizerParam, OutputKind, Part, Phase,
    Posterior, Preset, Prior, RecLoss, Scale, Schedule, Supervision, TrainerParam, YHead,
    ZRegularizer,
};
use aae_sys as sys;

/// The C names of `c_type`'s members, from the library.
fn members(c_type: &str) -> Vec<String> {
    let t = CString::new(c_type).unwrap();
    let mut names = Vec::new();
    let (mut name, mut value): (*const c_char, c_int) = (std::ptr::null(), 0);
    // SAFETY: a C string and two out-pointers; names are static strings.
    while unsafe { sys::aae_enum_member(t.as_ptr(), names.len(), &mut name, &mut value) }
        == sys::AAE_OK
    {
        names.push(
            unsafe { CStr::from_ptr(name) }
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    names
}

/// "ZLabel" -> "Z_LABEL", "Beta1" -> "BETA1".
fn upper_snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// `variants` (Debug name, value) are `c_type`'s members but `omitted`.
fn check(c_type: &str, variants: &[(String, i32)], omitted: &[&str]) {
    let t = CString::new(c_type).unwrap();
    let lib = members(c_type);
    assert!(!lib.is_empty(), "the library has no enum {c_type}");
    for (name, value) in variants {
        let short = CString::new(upper_snake(name)).unwrap();
        let mut v: c_int = -1;
        // SAFETY: two C strings and an out-pointer.
        let st = unsafe { sys::aae_enum_value(t.as_ptr(), short.as_ptr(), &mut v) };
        assert_eq!(
            st,
            sys::AAE_OK,
            "{c_type} has no member {short:?} (Rust {name})"
        );
        assert_eq!(v, *value, "{c_type}: {short:?}");
    }
    for name in omitted {
        assert!(
            lib.iter().any(|m| m == name),
            "{c_type}: {name} is no member"
        );
    }
    assert_eq!(
        variants.len() + omitted.len(),
        lib.len(),
        "{c_type} has {lib:?}, Rust {variants:?}"
    );
}

macro_rules! check {
    ($t:ident $(, omitting $($o:literal),+)?) => {
        check(
            $t::C_NAME,
            &$t::ALL.map(|v| (format!("{v:?}"), v as i32)),
            &[$($($o),+)?],
        )
    };
}

#[test]
fn mirrored_enums_match_the_library() {
    check!(Preset);
    check!(ModelOption);
    check!(OutputKind);
    check!(RecLoss);
    check!(Posterior);
    check!(YHead);
    check!(DecoderInput);
    check!(ZRegularizer);
    check!(Prior);
    check!(Supervision);
    check!(Schedule);
    check!(Part);
    check!(Phase);
    check!(Activation);
    // PART is `None` in the builder's phase calls, not a variant.
    check!(OptimizerKind, omitting "AAE_OPTIMIZER_PART");
    check!(OptimizerParam);
    check!(TrainerParam);
    check!(Scale);
}

#[test]
fn upper_snake_splits_words() {
    assert_eq!(upper_snake("ZLabel"), "Z_LABEL");
    assert_eq!(upper_snake("ZY"), "Z_Y");
    assert_eq!(upper_snake("Beta1"), "BETA1");
    assert_eq!(upper_snake("SemiSupervisedAae"), "SEMI_SUPERVISED_AAE");
}
