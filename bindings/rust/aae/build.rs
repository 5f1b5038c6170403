//! aae-sys finds libaae; its link arguments do not reach this package's
//! tests and examples, so repeat its rpath here (DEP_AAE_LIB_DIRS comes from
//! aae-sys's `links = "aae"` metadata).

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_AAE_LIB_DIRS");
    let unix =
        std::env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "unix"));
    if let (true, Some(dirs)) = (unix, std::env::var_os("DEP_AAE_LIB_DIRS")) {
        for dir in std::env::split_paths(&dirs).filter(|d| !d.as_os_str().is_empty()) {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        }
    }
}
