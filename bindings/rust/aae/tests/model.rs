//! Models: building, training steps, inference shapes, checkpoints, tensors,
//! errors and concurrent inference.

mod common;

use aae::{
    Activation, Builder, DecoderInput, Layer, Model, ModelOption, OptimizerKind, OptimizerParam,
    Part, Phase, Preset, Status, YHead,
};
use common::{blob_dataset, blobs, small_ae, small_builder, temp_path, CLASSES, WIDTH};

/// Trains `model` for `steps` steps of 32 blob rows; returns the mean
/// reconstruction loss of the first and last ten steps.
fn train(model: &mut Model, steps: u64) -> (f32, f32) {
    let (x, labels) = blobs(256, 7);
    let mut rec = Vec::new();
    for step in 0..steps {
        let r0 = (step as usize * 32) % 256;
        let batch = &x[r0 * WIDTH..(r0 + 32) * WIDTH];
        let l = &labels[r0..r0 + 32];
        rec.push(
            model
                .train_step(batch, Some(l), 32, None, step)
                .unwrap()
                .rec,
        );
    }
    let mean = |s: &[f32]| s.iter().sum::<f32>() / s.len() as f32;
    (mean(&rec[..10]), mean(&rec[rec.len() - 10..]))
}

#[test]
fn runtime_information() {
    assert!(aae::version_number() >= aae::sys::AAE_VERSION_NUMBER);
    assert_eq!(aae::version().split('.').count(), 3);
    assert!(!aae::blas_info().is_empty());
    // Other tests compute concurrently; then the call is refused, not raced.
    let result = (0..500)
        .map(|_| {
            let r = aae::set_num_threads(1);
            if matches!(&r, Err(e) if e.status == Status::Busy) {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            r
        })
        .find(|r| !matches!(r, Err(e) if e.status == Status::Busy))
        .expect("set_num_threads stayed busy");
    result.unwrap();
    assert_eq!(aae::num_threads(), 1);
}

#[test]
fn builder_reads_back_what_it_set() {
    let mut b = Builder::new(Preset::Vae).unwrap();
    b.set(ModelOption::ZWidth, 3.0)
        .unwrap()
        .set(ModelOption::WKl, 0.5)
        .unwrap();
    assert_eq!(b.get(ModelOption::ZWidth).unwrap(), 3.0);
    assert_eq!(b.get(ModelOption::WKl).unwrap(), 0.5);
    let layer = Layer::new(24, Activation::LeakyRelu)
        .slope(0.2)
        .batchnorm()
        .dropout(0.1);
    b.clear_layers(Part::Encoder)
        .unwrap()
        .add_layer(Part::Encoder, layer)
        .unwrap();
    assert_eq!(b.layers(Part::Encoder).unwrap(), vec![layer]);
    assert_eq!(ModelOption::ZWidth.bounds().unwrap(), (1.0, 65536.0));
}

#[test]
fn training_reduces_loss_and_shapes_match() {
    let mut model = small_ae(1);
    assert_eq!((model.input_width(), model.z_width()), (WIDTH, 4));
    assert!(!model.has_y_head());
    assert_eq!(model.decoder_input(), DecoderInput::Z);

    let (first, last) = train(&mut model, 200);
    assert!(last < first * 0.8, "reconstruction loss {first} -> {last}");
    assert_eq!(model.steps().unwrap(), 200);

    let rows = 5;
    let (x, _) = blobs(rows, 99);
    let (z, y) = model.encode(&x, rows).unwrap();
    assert_eq!(z.len(), rows * 4);
    assert!(y.is_none());
    assert!(z.iter().all(|v| v.is_finite()));
    assert_eq!(model.decode(&z, None, rows).unwrap().len(), rows * WIDTH);
    assert_eq!(
        model.reconstruct(&x, None, rows).unwrap().len(),
        rows * WIDTH
    );
    assert_eq!(model.generate(3, 42, None).unwrap().len(), 3 * WIDTH);
    assert_eq!(model.sample_prior(3, 42, None).unwrap().len(), 3 * 4);

    let metrics = model.evaluate(&blob_dataset(64, 3)).unwrap();
    assert!(metrics.mse.is_finite() && metrics.mse < 0.1, "{metrics:?}");
    assert!(metrics.class_error.is_nan(), "no y head: {metrics:?}");
}

#[test]
fn y_head_model_classifies_and_decodes_with_c() {
    let model = small_builder(Preset::ClusteringAae, 2).build().unwrap();
    assert!(model.has_y_head());
    assert_eq!(model.classes(), CLASSES);
    assert_eq!(model.decoder_input(), DecoderInput::ZY);
    let rows = 6;
    let (x, labels) = blobs(rows, 5);
    let (z, y) = model.encode(&x, rows).unwrap();
    let y = y.expect("class probabilities");
    assert_eq!(y.len(), rows * CLASSES);
    for row in y.chunks(CLASSES) {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
    let (classes, probs) = model.classify(&x, rows).unwrap();
    assert_eq!((classes.len(), probs.len()), (rows, rows * CLASSES));
    assert!(classes.iter().all(|&c| (0..CLASSES as i32).contains(&c)));
    let log_probs = model.class_log_probs(&x, rows).unwrap();
    for (lp, p) in log_probs.iter().zip(&probs) {
        assert!((lp.exp() - p).abs() < 1e-6, "{lp} {p}");
    }
    // The decoder reads [z, y]: c is required.
    let err = model.decode(&z, None, rows).unwrap_err();
    assert!(err.message.contains("aae_model_decode"), "{err}");
    assert_eq!(
        model.decode(&z, Some(&y), rows).unwrap().len(),
        rows * WIDTH
    );
    assert_eq!(
        model.generate(rows, 1, Some(&labels)).unwrap().len(),
        rows * WIDTH
    );
}

#[test]
fn invalid_arguments_are_errors_naming_the_function() {
    let mut b = Builder::new(Preset::Ae).unwrap();
    // Out of range: the C message names the option; the wrapper adds the function.
    let err = b.set(ModelOption::ZWidth, -3.0).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.starts_with("aae_builder_set: "), "{err}");
    assert!(err.message.contains("AAE_OPTION_Z_WIDTH"), "{err}");
    assert!(
        err.to_string().contains("AAE_ERR_INVALID_ARGUMENT"),
        "{err}"
    );
    let _: &dyn std::error::Error = &err;

    // Conflicting options are refused by build.
    b.set(ModelOption::DecoderInput, DecoderInput::ZY.into())
        .unwrap();
    let err = b.build().unwrap_err();
    assert!(
        err.message.contains("aae_builder_build") && err.message.contains("y head"),
        "{err}"
    );

    let model = small_ae(1);
    let err = model.generate(0, 1, None).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.contains("aae_model_generate"), "{err}");
    // Buffer lengths are checked before C sees them.
    let err = model.encode(&[0.0; 10], 1).unwrap_err();
    assert!(err.message.contains("Model::encode"), "{err}");
    let err = model
        .reconstruct(&[0.0; WIDTH], Some(&[0, 1]), 1)
        .unwrap_err();
    assert!(err.message.contains("labels"), "{err}");

    let err = Model::load(temp_path("does-not-exist")).unwrap_err();
    assert_eq!(err.status, Status::Io);
    assert!(err.message.contains("aae_model_load"), "{err}");
    let err = Model::load_memory(b"not a checkpoint").unwrap_err();
    assert_eq!(err.status, Status::Format, "{err}");
}

#[test]
fn save_and_load_give_identical_encodings() {
    let mut model = small_ae(3);
    train(&mut model, 50);
    let (x, _) = blobs(8, 11);
    let (z, _) = model.encode(&x, 8).unwrap();

    let path = temp_path("roundtrip.model");
    model.save(&path).unwrap();
    let loaded = Model::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded.encode(&x, 8).unwrap().0, z);
    assert_eq!(loaded.steps().unwrap(), 50);

    let bytes = model.save_memory().unwrap();
    let from_memory = Model::load_memory(&bytes).unwrap();
    assert_eq!(from_memory.encode(&x, 8).unwrap().0, z);
    assert_eq!(model.try_clone().unwrap().encode(&x, 8).unwrap().0, z);
    assert_eq!(from_memory.save_memory().unwrap(), bytes);
}

#[test]
fn tensors_export_and_import() {
    let mut a = small_ae(4);
    train(&mut a, 30);
    let tensors = a.tensors().unwrap();
    assert_eq!(tensors.len(), a.tensor_count().unwrap());
    let first = &tensors[0];
    assert_eq!(
        (first.name.as_str(), first.rows, first.cols),
        ("encoder.0.weight", 32, WIDTH)
    );
    assert_eq!(first.values.len(), 32 * WIDTH);

    let (x, _) = blobs(8, 13);
    let mut b = small_ae(5);
    assert_ne!(b.encode(&x, 8).unwrap().0, a.encode(&x, 8).unwrap().0);
    b.set_tensors(&tensors).unwrap();
    assert_eq!(b.encode(&x, 8).unwrap().0, a.encode(&x, 8).unwrap().0);
    assert_eq!(b.tensors().unwrap(), tensors);

    // Names and shapes are all checked before anything is written.
    let mut c = small_ae(6);
    let before = c.tensors().unwrap();
    let mut wrong = tensors[0].clone();
    (wrong.rows, wrong.cols) = (wrong.cols, wrong.rows);
    let err = c.set_tensors(&[tensors[1].clone(), wrong]).unwrap_err();
    assert!(err.message.contains("encoder.0.weight is 32 x 16"), "{err}");
    let mut unknown = tensors[1].clone();
    unknown.name = "encoder.99.bias".into();
    let err = c.set_tensors(&[tensors[1].clone(), unknown]).unwrap_err();
    assert!(err.message.contains("no tensor encoder.99.bias"), "{err}");
    assert_eq!(c.tensors().unwrap(), before);
}

#[test]
fn inference_runs_on_many_threads_at_once() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Model>();
    send_sync::<aae::Dataset>();
    send::<Builder>();
    send::<aae::Trainer<'static>>();

    let mut model = small_ae(6);
    train(&mut model, 20);
    let (x, _) = blobs(64, 17);
    let expected = model.encode(&x, 64).unwrap().0;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    (0..20)
                        .map(|_| model.encode(&x, 64).unwrap().0)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            assert!(h.join().unwrap().iter().all(|z| *z == expected));
        }
    });
}

#[test]
fn y_head_option_round_trips_through_the_model() {
    let model = small_builder(Preset::VaeClassifier, 8).build().unwrap();
    assert_eq!(
        model.get(ModelOption::YHead).unwrap(),
        f64::from(YHead::Separate)
    );
}

#[test]
fn phase_settings_survive_save_load_and_read_back_through_from_model() {
    let mut b = small_builder(Preset::SemiSupervisedAae, 9);
    // The preset is the paper's recipe: one SGD per phase, x0.1 at 50 and 1000.
    assert_eq!(
        b.phase_optimizer(Phase::Generator).unwrap(),
        Some(OptimizerKind::Sgd)
    );
    assert_eq!(
        b.phase_milestones(Phase::Generator).unwrap(),
        (vec![50, 1000], 0.1)
    );
    b.set_phase_optimizer(Phase::Generator, None)
        .unwrap()
        .set_phase_milestones(Phase::Generator, &[], 0.1)
        .unwrap();
    assert_eq!(b.phase_optimizer(Phase::Generator).unwrap(), None);
    assert_eq!(
        b.phase_milestones(Phase::Generator).unwrap(),
        (Vec::new(), 0.1)
    );
    // A setting needs the phase's own optimizer first.
    let err = b
        .set_phase_optimizer_param(Phase::Generator, OptimizerParam::Lr, 0.1)
        .unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.contains("AAE_PHASE_GENERATOR"), "{err}");
    b.set_phase_optimizer(Phase::Reconstruction, Some(OptimizerKind::Sgd))
        .unwrap()
        .set_phase_optimizer_param(Phase::Reconstruction, OptimizerParam::Momentum, 0.9)
        .unwrap()
        .set_phase_optimizer(Phase::ZDiscriminator, Some(OptimizerKind::Adam))
        .unwrap()
        .set_phase_optimizer_param(Phase::ZDiscriminator, OptimizerParam::Beta1, 0.5)
        .unwrap()
        .set_phase_milestones(Phase::SemiSupervised, &[50, 1000], 0.2)
        .unwrap();
    // Refused schedules change nothing.
    let too_many: Vec<u64> = (1..=aae::MAX_MILESTONES as u64 + 1).collect();
    for (epochs, gamma) in [(&[5u64, 5][..], 0.1), (&too_many[..], 0.1), (&[3][..], 0.0)] {
        let err = b
            .set_phase_milestones(Phase::Generator, epochs, gamma)
            .unwrap_err();
        assert!(
            err.message.contains("aae_builder_set_phase_milestones"),
            "{err}"
        );
    }
    assert_eq!(
        b.phase_milestones(Phase::Generator).unwrap(),
        (Vec::new(), 0.1)
    );
    b.set(ModelOption::InputNoise, 0.3)
        .unwrap()
        .set(ModelOption::InputDropout, 0.2)
        .unwrap()
        .set(ModelOption::HeadBatchnorm, 1.0)
        .unwrap()
        .set(ModelOption::InitStd, 0.01)
        .unwrap()
        .set(ModelOption::ZDiscSeesY, 1.0)
        .unwrap();
    let mut model = b.build().unwrap();
    let (x, labels) = blobs(32, 3);
    model
        .train_step(
            &x,
            Some(&labels),
            32,
            Some((&x[..8 * WIDTH], &labels[..8])),
            0,
        )
        .unwrap();

    let path = temp_path("phases.model");
    model.save(&path).unwrap();
    let loaded = Model::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    for m in [&model, &loaded] {
        let c = Builder::from_model(m).unwrap();
        assert_eq!(
            c.phase_optimizer(Phase::Reconstruction).unwrap(),
            Some(OptimizerKind::Sgd)
        );
        assert_eq!(
            c.phase_optimizer_param(Phase::Reconstruction, OptimizerParam::Momentum)
                .unwrap(),
            0.9
        );
        assert_eq!(
            c.phase_optimizer(Phase::ZDiscriminator).unwrap(),
            Some(OptimizerKind::Adam)
        );
        assert_eq!(
            c.phase_optimizer_param(Phase::ZDiscriminator, OptimizerParam::Beta1)
                .unwrap(),
            0.5
        );
        assert_eq!(c.phase_optimizer(Phase::Generator).unwrap(), None);
        assert_eq!(
            c.phase_milestones(Phase::SemiSupervised).unwrap(),
            (vec![50, 1000], 0.2)
        );
        assert_eq!(c.get(ModelOption::InputNoise).unwrap(), 0.3);
        assert_eq!(c.get(ModelOption::InputDropout).unwrap(), 0.2);
        assert_eq!(c.get(ModelOption::HeadBatchnorm).unwrap(), 1.0);
        assert_eq!(c.get(ModelOption::InitStd).unwrap(), 0.01);
        assert_eq!(c.get(ModelOption::ZDiscSeesY).unwrap(), 1.0);
        for part in Part::ALL {
            assert_eq!(c.layers(part).unwrap(), b.layers(part).unwrap());
        }
        assert_eq!(c.layers(Part::Encoder).unwrap()[0].width, 32);
        // The options build the same model again.
        let copy = c.build().unwrap();
        let names = |m: &Model| {
            m.tensors()
                .unwrap()
                .into_iter()
                .map(|t| (t.name, t.rows, t.cols))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&copy), names(m));
    }

    // A phase the model lacks refuses its own optimizer at build.
    let mut vae = Builder::new(Preset::Vae).unwrap();
    vae.set_phase_optimizer(Phase::ZDiscriminator, Some(OptimizerKind::Sgd))
        .unwrap();
    let err = vae.build().unwrap_err();
    assert!(err.message.contains("no such phase"), "{err}");
    vae.set_phase_optimizer(Phase::ZDiscriminator, None)
        .unwrap();
    vae.build().unwrap();
}
