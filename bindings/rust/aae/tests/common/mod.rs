//! Synthetic data and small models shared by the test files (as the C
//! suite's test/model_fixture.h).
#![allow(dead_code)]

use aae::{Activation, Builder, Dataset, Layer, Model, ModelOption, Part, Preset, YHead};

pub const WIDTH: usize = 16;
pub const CLASSES: usize = 4;

/// Deterministic uniform noise in [-0.05, 0.05) (a 64-bit LCG).
fn noise(state: &mut u64) -> f32 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ((*state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.1
}

/// Blobs: class c lights features [4c, 4c+4) at 0.9, the rest at 0.1, plus
/// noise: four well separated clusters. Returns (x, labels).
pub fn blobs(rows: usize, seed: u64) -> (Vec<f32>, Vec<i32>) {
    let mut state = seed;
    let mut x = Vec::with_capacity(rows * WIDTH);
    let mut labels = Vec::with_capacity(rows);
    for r in 0..rows {
        let c = r % CLASSES;
        labels.push(c as i32);
        for j in 0..WIDTH {
            let base = if j / 4 == c { 0.9 } else { 0.1 };
            x.push(base + noise(&mut state));
        }
    }
    (x, labels)
}

pub fn blob_dataset(rows: usize, seed: u64) -> Dataset {
    let (x, labels) = blobs(rows, seed);
    Dataset::from_slice(&x, Some(&labels), rows, WIDTH).unwrap()
}

/// A preset shrunk to the blobs: 16 inputs, one 32-unit ReLU hidden layer
/// per part the preset uses.
pub fn small_builder(preset: Preset, seed: u64) -> Builder {
    let mut b = Builder::new(preset).unwrap();
    b.set(ModelOption::InputWidth, WIDTH as f64).unwrap();
    b.set(ModelOption::Seed, seed as f64).unwrap();
    if b.get(ModelOption::YHead).unwrap() != f64::from(YHead::None)
        || preset == Preset::SupervisedAae
    {
        b.set(ModelOption::Classes, CLASSES as f64).unwrap();
    }
    for part in Part::ALL {
        if !b.layers(part).unwrap().is_empty() {
            b.clear_layers(part).unwrap();
            b.add_layer(part, Layer::new(32, Activation::Relu)).unwrap();
        }
    }
    b
}

/// A small plain autoencoder with a 4-wide code.
pub fn small_ae(seed: u64) -> Model {
    let mut b = small_builder(Preset::Ae, seed);
    b.set(ModelOption::ZWidth, 4.0).unwrap();
    b.build().unwrap()
}

/// A scratch path unique to this process and `name`.
pub fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("aae-rust-{}-{name}", std::process::id()))
}
