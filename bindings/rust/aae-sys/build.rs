//! Finds libaae and tells Cargo how to link it.
//!
//! * `AAE_LIB_DIR` (absolute path): the directory holding libaae.so; when set,
//!   pkg-config is not consulted.
//! * Otherwise runs `pkg-config --libs --cflags aae` (the command can be
//!   overridden with `PKG_CONFIG`; `PKG_CONFIG_PATH` is honoured as usual).
//!
//! Every library directory is also added as an rpath, so binaries run without
//! LD_LIBRARY_PATH. Link arguments from a build script only reach this
//! package's own targets, so the directories are passed on to dependent build
//! scripts as `DEP_AAE_LIB_DIRS` (see the `aae` crate's build.rs).

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{self, Command};

fn main() {
    for var in [
        "AAE_LIB_DIR",
        "PKG_CONFIG",
        "PKG_CONFIG_PATH",
        "PKG_CONFIG_LIBDIR",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let (dirs, libs) = match env::var_os("AAE_LIB_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => (vec![lib_dir_override(dir)], vec!["aae".to_string()]),
        None => pkg_config(),
    };

    let unix = env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "unix"));
    for dir in &dirs {
        println!("cargo:rustc-link-search=native={}", dir.display());
        if unix {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        }
    }
    for lib in &libs {
        println!("cargo:rustc-link-lib={lib}");
    }
    let joined = env::join_paths(&dirs).unwrap_or_else(|e| fail(&format!("library path: {e}")));
    // Metadata: dependents' build scripts see it as DEP_AAE_LIB_DIRS.
    println!("cargo:lib_dirs={}", joined.to_string_lossy());
}

fn lib_dir_override(dir: OsString) -> PathBuf {
    let dir = PathBuf::from(dir);
    // Build scripts run in the package directory and an rpath is resolved
    // at run time, so a relative path would mean something else each time.
    if !dir.is_absolute() {
        fail(&format!(
            "AAE_LIB_DIR={} must be an absolute path",
            dir.display()
        ));
    }
    if !has_library(&dir) {
        println!(
            "cargo:warning=AAE_LIB_DIR={} holds no libaae.so / libaae.dylib / aae.dll",
            dir.display()
        );
    }
    dir
}

fn has_library(dir: &Path) -> bool {
    ["libaae.so", "libaae.dylib", "aae.dll", "aae.lib"]
        .iter()
        .any(|f| dir.join(f).exists())
}

/// Library directories and names from `pkg-config --libs --cflags aae`.
fn pkg_config() -> (Vec<PathBuf>, Vec<String>) {
    let cmd = env::var_os("PKG_CONFIG").unwrap_or_else(|| "pkg-config".into());
    let out = Command::new(&cmd)
        .args(["--libs", "--cflags", "aae"])
        .output()
        .unwrap_or_else(|e| {
            fail(&format!(
                "cannot run {}: {e}. Install pkg-config or set AAE_LIB_DIR to the directory \
                 holding libaae.so",
                cmd.to_string_lossy()
            ))
        });
    if !out.status.success() {
        fail(&format!(
            "`{} --libs --cflags aae` failed: {}\nSet PKG_CONFIG_PATH to the directory holding \
             aae.pc (e.g. PREFIX/lib/pkgconfig after `make install PREFIX=...`), or AAE_LIB_DIR \
             to the directory holding libaae.so.",
            cmd.to_string_lossy(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let flags = String::from_utf8_lossy(&out.stdout);
    let mut dirs = Vec::new();
    let mut libs = Vec::new();
    for flag in flags.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            dirs.push(PathBuf::from(dir));
        } else if let Some(lib) = flag.strip_prefix("-l") {
            libs.push(lib.to_string());
        }
        // -I and other compiler flags do not matter to Rust.
    }
    if !libs.iter().any(|l| l == "aae") {
        libs.push("aae".to_string());
    }
    // A .pc file generated for another PREFIX points at a directory without
    // the library; say so instead of leaving only the linker's error.
    for dir in dirs.iter().filter(|d| !has_library(d)) {
        println!(
            "cargo:warning=pkg-config gives -L{} but libaae is not there",
            dir.display()
        );
    }
    (dirs, libs)
}

fn fail(msg: &str) -> ! {
    eprintln!("aae-sys: {msg}");
    process::exit(1);
}
