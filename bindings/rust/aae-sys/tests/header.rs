//! Checks src/lib.rs against include/aae/aae.h and version.h: every
//! function (name, parameter and return types), callback type, opaque
//! handle, enumerator value and version macro must match. The header is read
//! from the source tree (or AAE_INCLUDE_DIR); the test is skipped if absent.

use std::collections::HashMap;
use std::path::PathBuf;

fn include_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("AAE_INCLUDE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../include"),
    };
    dir.canonicalize()
        .ok()
        .filter(|d| d.join("aae/aae.h").exists())
}

fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(i) = rest.find("/*").into_iter().chain(rest.find("//")).min() {
        out.push_str(&rest[..i]);
        let end = if rest[i..].starts_with("/*") {
            rest[i..].find("*/").map_or(rest.len(), |e| i + e + 2)
        } else {
            rest[i..].find('\n').map_or(rest.len(), |e| i + e)
        };
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Rust spelling of a C type, optionally followed by a parameter name.
fn rust_type(c: &str, named: bool) -> String {
    let spaced = c.replace('*', " * ");
    let mut toks: Vec<&str> = spaced.split_whitespace().collect();
    if named && toks.last().is_some_and(|t| *t != "*") {
        toks.pop();
    }
    let konst = toks.first() == Some(&"const");
    let toks: Vec<&str> = toks.into_iter().filter(|t| *t != "const").collect();
    let stars = toks.iter().filter(|t| **t == "*").count();
    let base = match toks[0] {
        "float" => "f32",
        "double" => "f64",
        "size_t" => "usize",
        "uint64_t" => "u64",
        "int32_t" => "i32",
        "int" => "c_int",
        "unsigned" => "c_uint",
        "char" => "c_char",
        "void" => "c_void",
        other => other,
    };
    if stars == 0 {
        return base.to_string();
    }
    // Only the pointee is ever const in this header (`const T *`, `const T **`).
    let mut ty = format!("{} {base}", if konst { "*const" } else { "*mut" });
    for _ in 1..stars {
        ty = format!("*mut {ty}");
    }
    ty
}

/// C parameter list (inside the parentheses) as Rust types.
fn c_params(list: &str) -> Vec<String> {
    let list = list.trim();
    if list == "void" || list.is_empty() {
        return Vec::new();
    }
    list.split(',').map(|p| rust_type(p, true)).collect()
}

/// Rust parameter list `a: T, b: U` as types.
fn rust_params(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| squash(p.split_once(':').expect("name: type").1))
        .collect()
}

fn c_return(ret: &str) -> String {
    match rust_type(ret, false).as_str() {
        "c_void" => String::new(),
        t => t.to_string(),
    }
}

/// A function or callback: name, Rust return type ("" for void), parameter types.
type Signature = (String, String, Vec<String>);

struct Header {
    functions: Vec<Signature>,
    callbacks: Vec<Signature>,
    enumerators: Vec<(String, String, i64)>,
    handles: Vec<String>,
    version: Vec<(String, i64)>,
    /// aae.h's `#define NAME <integer>` constants (e.g. AAE_MAX_MILESTONES).
    defines: Vec<(String, i64)>,
}

fn parse_header(dir: &std::path::Path) -> Header {
    // Both public headers declare functions (version.h: the version queries).
    let text = ["aae/version.h", "aae/aae.h"]
        .iter()
        .map(|h| strip_comments(&std::fs::read_to_string(dir.join(h)).unwrap()))
        .collect::<Vec<_>>()
        .join(";");
    let mut h = Header {
        functions: Vec::new(),
        callbacks: Vec::new(),
        enumerators: Vec::new(),
        handles: Vec::new(),
        version: Vec::new(),
        defines: Vec::new(),
    };
    for decl in text.split(';').map(squash) {
        // The last AAE_API of a chunk starts its declaration; anything before
        // it is preprocessor text (version.h defines AAE_API itself).
        if let Some(rest) = decl
            .rfind("AAE_API ")
            .map(|at| &decl[at + "AAE_API ".len()..])
        {
            let open = rest.find('(').unwrap();
            let head = &rest[..open];
            let name_at = head
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap()
                + 1;
            let params = &rest[open + 1..rest.rfind(')').unwrap()];
            h.functions.push((
                head[name_at..].to_string(),
                c_return(&head[..name_at]),
                c_params(params),
            ));
        } else if let Some(rest) = decl.strip_prefix("typedef struct ") {
            h.handles.push(rest.split(' ').next().unwrap().to_string());
        } else if let Some((ret, rest)) = decl
            .strip_prefix("typedef ")
            .and_then(|d| d.split_once("(*"))
        {
            // A callback type: `typedef RET (*NAME)(PARAMS)`.
            let name = rest.split(')').next().unwrap();
            let params = &decl[decl.find(")(").unwrap() + 2..decl.rfind(')').unwrap()];
            h.callbacks
                .push((name.to_string(), c_return(ret), c_params(params)));
        }
    }
    // Enumerators: `typedef enum NAME { A = 1, B = 2 } NAME`.
    let mut rest = text.as_str();
    while let Some(i) = rest.find("typedef enum") {
        let body_start = i + rest[i..].find('{').unwrap() + 1;
        let body_end = body_start + rest[body_start..].find('}').unwrap();
        let after = &rest[body_end + 1..];
        let tname = after[..after.find(';').unwrap()].trim().to_string();
        for item in rest[body_start..body_end]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let (name, value) = item.split_once('=').expect("explicit enumerator values");
            h.enumerators.push((
                name.trim().into(),
                tname.clone(),
                value.trim().parse().unwrap(),
            ));
        }
        rest = after;
    }
    let integer_defines = |file: &str| -> Vec<(String, i64)> {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        text.lines()
            .filter_map(|line| {
                let mut it = line.split_whitespace();
                match (it.next(), it.next(), it.next()) {
                    (Some("#define"), Some(name), Some(value)) => {
                        value.parse().ok().map(|v| (name.to_string(), v))
                    }
                    _ => None,
                }
            })
            .collect()
    };
    h.version = integer_defines("aae/version.h");
    h.defines = integer_defines("aae/aae.h");
    h
}

/// Function name -> (return, parameters); "NAME: type" -> value.
type RustItems = (
    HashMap<String, (String, Vec<String>)>,
    HashMap<String, String>,
);

/// `pub fn name(params) -> ret;`, `pub type name = Option<unsafe extern "C"
/// fn(..) -> ret>;` and `pub const NAME: type = value;` of src/lib.rs.
fn parse_rust() -> RustItems {
    let src = strip_comments(include_str!("../src/lib.rs"));
    let mut fns = HashMap::new();
    let mut consts = HashMap::new();
    for item in src.split(';').map(squash) {
        let item = item.trim_start_matches(['{', '}', ' ']);
        if let Some(pos) = item.find("pub fn ") {
            let rest = &item[pos + 7..];
            let open = rest.find('(').unwrap();
            let close = rest.rfind(')').unwrap();
            let ret = rest[close + 1..]
                .trim()
                .trim_start_matches("->")
                .trim()
                .to_string();
            fns.insert(
                rest[..open].to_string(),
                (ret, rust_params(&rest[open + 1..close])),
            );
        } else if let Some(pos) = item.find("pub type ") {
            if let Some(f) = item.find("fn(") {
                let name = item[pos + 9..].split(' ').next().unwrap().to_string();
                let close = item.rfind(')').unwrap();
                let ret = item[close + 1..].trim().trim_start_matches("->").trim();
                let ret = ret.trim_end_matches(['>', ',', ' ']).to_string();
                fns.insert(name, (ret, rust_params(&item[f + 3..close])));
            }
        } else if let Some(pos) = item.find("pub const ") {
            let (lhs, rhs) = item[pos + 10..].split_once('=').unwrap();
            consts.insert(squash(lhs), squash(rhs));
        }
    }
    (fns, consts)
}

#[test]
fn declarations_match_header() {
    let Some(dir) = include_dir() else {
        eprintln!("skipped: no aae/aae.h (set AAE_INCLUDE_DIR)");
        return;
    };
    let h = parse_header(&dir);
    let (fns, consts) = parse_rust();
    assert!(
        h.functions.len() >= 80,
        "parsed only {} functions",
        h.functions.len()
    );
    assert!(
        h.callbacks.len() >= 4,
        "parsed only {} callback types",
        h.callbacks.len()
    );
    let mut errors = Vec::new();
    for (name, ret, params) in h.functions.iter().chain(&h.callbacks) {
        match fns.get(name) {
            None => errors.push(format!("missing: {name}")),
            Some((r, p)) if r != ret || p != params => errors.push(format!(
                "{name}: header ({params:?}) -> {ret:?}, Rust ({p:?}) -> {r:?}"
            )),
            Some(_) => {}
        }
    }
    let declared = h.functions.len() + h.callbacks.len();
    if fns.len() != declared {
        errors.push(format!(
            "{} Rust functions, {declared} in the header",
            fns.len()
        ));
    }
    for (name, tname, value) in &h.enumerators {
        let key = format!("{name}: {tname}");
        if consts.get(&key) != Some(&value.to_string()) {
            errors.push(format!(
                "enumerator {key} = {value}: Rust has {:?}",
                consts.get(&key)
            ));
        }
    }
    let rust = include_str!("../src/lib.rs");
    for handle in &h.handles {
        if !rust.contains(&format!("{handle},")) && !rust.contains(&format!("{handle})")) {
            errors.push(format!("opaque handle {handle} missing"));
        }
    }
    for (name, value) in &h.version {
        let key = format!("{name}: c_uint");
        if consts.get(&key) != Some(&value.to_string()) {
            errors.push(format!("{name} = {value}: Rust has {:?}", consts.get(&key)));
        }
    }
    // aae.h's integer macros: a constant of that name and value (its Rust
    // type is the one the bindings use it with, e.g. usize for a count).
    for (name, value) in &h.defines {
        let found: Vec<&String> = consts
            .iter()
            .filter(|(k, _)| k.split(':').next() == Some(name.as_str()))
            .map(|(_, v)| v)
            .collect();
        if found != [&value.to_string()] {
            errors.push(format!("#define {name} {value}: Rust has {found:?}"));
        }
    }
    assert!(!h.defines.is_empty(), "parsed no integer #define of aae.h");
    assert!(
        errors.is_empty(),
        "aae-sys does not match {}:\n{}",
        dir.display(),
        errors.join("\n")
    );
}
