//! Feature extraction with a trained encoder.
//!
//!     cargo run --example features [MODEL [IDX_IMAGES]]
//!
//! With MODEL (e.g. out/aae/aae.model from `make demo`), encodes the first
//! rows of IDX_IMAGES (scaled as the model's output kind expects) or, without
//! it, a few synthetic rows. Without MODEL, first trains a tiny autoencoder
//! on synthetic 16-wide blobs.

use std::ops::ControlFlow;
use std::process::ExitCode;

use aae::{
    Activation, Builder, Dataset, Layer, Model, ModelOption, OutputKind, Part, Preset, Scale,
    Trainer, TrainerParam,
};

const ROWS: usize = 4;

/// Four clusters of 16 features: class c lights features [4c, 4c+4).
fn blobs(rows: usize) -> Vec<f32> {
    (0..rows * 16)
        .map(|i| {
            let (r, j) = (i / 16, i % 16);
            let jitter = ((i * 7919) % 100) as f32 / 1000.0 - 0.05;
            if j / 4 == r % 4 {
                0.9 + jitter
            } else {
                0.1 + jitter
            }
        })
        .collect()
}

fn train_tiny() -> aae::Result<Model> {
    let mut b = Builder::new(Preset::Ae)?;
    b.set(ModelOption::InputWidth, 16.0)?
        .set(ModelOption::ZWidth, 2.0)?;
    for part in [Part::Encoder, Part::Decoder] {
        b.clear_layers(part)?
            .add_layer(part, Layer::new(32, Activation::Relu))?;
    }
    let mut model = b.build()?;
    let data = Dataset::from_slice(&blobs(512), None, 512, 16)?;
    let mut trainer = Trainer::new()?;
    trainer
        .set(TrainerParam::Epochs, 20.0)?
        .set(TrainerParam::BatchSize, 32.0)?;
    trainer.on_epoch(|r| {
        if r.epoch % 5 == 4 {
            eprintln!(
                "epoch {:2}: reconstruction {:.5}",
                r.epoch + 1,
                r.losses.rec
            );
        }
        ControlFlow::Continue(())
    });
    trainer.fit(&mut model, &data, None)?;
    Ok(model)
}

/// Rows to encode: the first of an IDX file, the blobs, or synthetic ramps.
fn input_rows(model: &Model, idx: Option<&str>) -> aae::Result<Vec<f32>> {
    let tanh = model.get(ModelOption::Output)? == f64::from(OutputKind::Tanh);
    if let Some(path) = idx {
        let scale = if tanh { Scale::Symmetric } else { Scale::Unit };
        let data = Dataset::load_idx(path, None, scale)?;
        let n = ROWS.min(data.rows());
        return Ok(data.get_rows(&(0..n).collect::<Vec<_>>())?.0);
    }
    if model.input_width() == 16 {
        return Ok(blobs(ROWS));
    }
    // A ramp over the input range, shifted along the row for each row.
    let w = model.input_width();
    let lo = if tanh { -1.0 } else { 0.0 };
    let ramp = |i: usize| ((i % w + i / w * w / ROWS) % w) as f32 / w as f32;
    Ok((0..ROWS * w).map(|i| lo + (1.0 - lo) * ramp(i)).collect())
}

fn run() -> aae::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    eprintln!("libaae {} ({})", aae::version(), aae::blas_info());
    let model = match args.first() {
        Some(path) => Model::load(path)?,
        None => train_tiny()?,
    };
    let x = input_rows(&model, args.get(1).map(String::as_str))?;
    let rows = x.len() / model.input_width();
    let (z, y) = model.encode(&x, rows)?;
    for (r, code) in z.chunks(model.z_width()).enumerate() {
        let code: Vec<String> = code.iter().map(|v| format!("{v:8.4}")).collect();
        print!("row {r}: z = [{}]", code.join(", "));
        if let Some(y) = &y {
            let probs = &y[r * model.classes()..(r + 1) * model.classes()];
            let best = (0..probs.len())
                .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
                .unwrap_or(0);
            print!("  class {best} (p = {:.3})", probs[best]);
        }
        println!();
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("features: {e}");
            ExitCode::FAILURE
        }
    }
}
