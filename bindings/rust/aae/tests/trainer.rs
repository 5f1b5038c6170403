//! The trainer and its callbacks, and datasets.

mod common;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};

use aae::{Dataset, Model, Phase, Preset, Scale, Status, Trainer, TrainerParam};
use common::{blob_dataset, blobs, small_ae, small_builder, temp_path, WIDTH};

/// 256 rows in batches of 32: 8 batches per epoch.
const ROWS: usize = 256;
const BATCHES: u64 = 8;

fn trainer<'a>(epochs: u32) -> Trainer<'a> {
    let mut t = Trainer::new().unwrap();
    t.set(TrainerParam::Epochs, f64::from(epochs)).unwrap();
    t.set(TrainerParam::BatchSize, 32.0).unwrap();
    t
}

#[test]
fn fit_reports_epochs_and_batches() {
    let data = blob_dataset(ROWS, 1);
    let eval = blob_dataset(64, 2);
    let mut model = small_ae(1);
    let mut epochs = Vec::new();
    let batches = AtomicUsize::new(0);
    {
        let mut t = trainer(4);
        t.set_eval(Some(&eval)).unwrap();
        t.on_epoch(|r| {
            epochs.push(*r);
            ControlFlow::Continue(())
        });
        t.on_batch(|r| {
            assert_eq!(r.batches, BATCHES);
            batches.fetch_add(1, Ordering::Relaxed);
            ControlFlow::Continue(())
        });
        t.fit(&mut model, &data, None).unwrap();
    }
    assert_eq!(batches.into_inner(), 4 * BATCHES as usize);
    assert_eq!(
        epochs.iter().map(|r| r.epoch).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    let mse: Vec<f64> = epochs
        .iter()
        .map(|r| r.metrics.expect("eval set").mse)
        .collect();
    assert!(mse[3] < mse[0], "evaluation MSE {mse:?}");
    assert!(epochs[3].losses.rec < epochs[0].losses.rec);
    assert_eq!(model.steps().unwrap(), 4 * BATCHES);
}

#[test]
fn break_stops_training_with_cancelled() {
    let data = blob_dataset(ROWS, 1);
    let mut model = small_ae(2);
    let mut t = trainer(5);
    t.on_epoch(|r| {
        if r.epoch == 1 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    let err = t.fit(&mut model, &data, None).unwrap_err();
    assert_eq!(err.status, Status::Cancelled);
    assert!(err.message.contains("stopped training"), "{err}");
    assert_eq!(model.steps().unwrap(), 2 * BATCHES);
}

#[test]
fn panicking_callback_stops_training_with_an_error() {
    let data = blob_dataset(ROWS, 1);
    let mut model = small_ae(3);
    let mut t = trainer(5);
    t.on_epoch(|r| {
        assert!(r.epoch < 1, "callback fails at epoch {}", r.epoch);
        ControlFlow::Continue(())
    });
    let err = t.fit(&mut model, &data, None).unwrap_err();
    assert_eq!(err.status, Status::Cancelled);
    assert!(
        err.message
            .contains("aae_trainer_fit: the epoch callback panicked"),
        "{err}"
    );
    assert!(err.message.contains("callback fails at epoch 1"), "{err}");
    assert_eq!(model.steps().unwrap(), 2 * BATCHES);

    // The same for a batch callback panicking with a String payload.
    t.clear_callbacks().on_batch(|r| {
        if r.batch == 3 {
            panic!("{}", format!("batch {}", r.batch));
        }
        ControlFlow::Continue(())
    });
    let err = t.epoch(&mut model, &data, None).unwrap_err();
    assert!(
        err.message.contains("the batch callback panicked: batch 3"),
        "{err}"
    );

    // Model and trainer stay usable.
    t.clear_callbacks();
    t.fit(&mut model, &data, None).unwrap();
    let (x, _) = blobs(2, 4);
    assert_eq!(model.encode(&x, 2).unwrap().0.len(), 2 * 4);
}

#[test]
fn blas_threads_cannot_change_during_training() {
    let data = blob_dataset(ROWS, 1);
    let mut model = small_ae(4);
    let mut seen = None; // declared before the trainer, which borrows it
    let mut t = trainer(1);
    t.on_epoch(|_| {
        seen = Some(aae::set_num_threads(1));
        ControlFlow::Continue(())
    });
    t.fit(&mut model, &data, None).unwrap();
    drop(t);
    let err = seen.unwrap().unwrap_err();
    assert_eq!(err.status, Status::Busy, "{err}");
}

#[test]
fn callbacks_may_run_inference_on_other_models() {
    let data = blob_dataset(ROWS, 1);
    let other = small_ae(5);
    let (x, _) = blobs(4, 2);
    let expected = other.encode(&x, 4).unwrap().0;
    let mut model = small_ae(6);
    let mut t = trainer(2);
    t.on_epoch(|_| {
        assert_eq!(other.encode(&x, 4).unwrap().0, expected);
        ControlFlow::Continue(())
    });
    t.on_batch(|_| {
        assert!(other.evaluate(&data).unwrap().mse.is_finite());
        ControlFlow::Continue(())
    });
    t.fit(&mut model, &data, None).unwrap();
}

#[test]
fn trainer_settings_are_checked() {
    let mut t = Trainer::new().unwrap();
    assert_eq!(t.get(TrainerParam::BatchSize).unwrap(), 64.0);
    let err = t.set(TrainerParam::Gamma, 2.0).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.contains("aae_trainer_set"), "{err}");
    assert_eq!(TrainerParam::Gamma.bounds().unwrap(), (0.0, 1.0));

    // A dataset of the wrong width is refused by the epoch.
    let narrow = Dataset::from_slice(&[0.5; 64 * 3], None, 64, 3).unwrap();
    let err = t.epoch(&mut small_ae(5), &narrow, None).unwrap_err();
    assert!(err.message.contains("aae_trainer_epoch"), "{err}");
}

#[test]
fn datasets_copy_split_and_gather() {
    let (x, labels) = blobs(40, 9);
    let data = Dataset::from_slice(&x, Some(&labels), 40, WIDTH).unwrap();
    assert_eq!(
        (data.rows(), data.width(), data.has_labels()),
        (40, WIDTH, true)
    );

    let (rows, l) = data.get_rows(&[3, 0]).unwrap();
    assert_eq!(&rows[..WIDTH], &x[3 * WIDTH..4 * WIDTH]);
    assert_eq!(l, [3, 0]);
    let err = data.get_rows(&[40]).unwrap_err();
    assert!(err.message.contains("aae_dataset_get_rows"), "{err}");

    let (train, valid) = data.split(10, 1).unwrap();
    assert_eq!((train.rows(), valid.rows()), (30, 10));
    let mut perm = data.shuffle(1, 0).unwrap();
    perm.sort_unstable();
    assert_eq!(perm, (0..40).collect::<Vec<_>>());
    assert_eq!(data.subset(&[1, 2, 3]).unwrap().rows(), 3);
    let few = data.keep_labels(2, 1).unwrap();
    let (_, kept) = few.get_rows(&(0..40).collect::<Vec<_>>()).unwrap();
    assert_eq!(kept.iter().filter(|&&l| l >= 0).count(), 2 * 4);

    let err = Dataset::from_slice(&[f32::NAN; WIDTH], None, 1, WIDTH).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "{err}");
}

#[test]
fn idx_files_load() {
    // 6 images of 2 x 3 bytes and their labels, in IDX format.
    let mut images = vec![0, 0, 0x08, 3, 0, 0, 0, 6, 0, 0, 0, 2, 0, 0, 0, 3];
    images.extend((0..36).map(|i| (i * 7) as u8));
    let mut labels = vec![0, 0, 0x08, 1, 0, 0, 0, 6];
    labels.extend([0, 1, 2, 0, 1, 2]);
    let (ip, lp) = (temp_path("images.idx"), temp_path("labels.idx"));
    std::fs::write(&ip, &images).unwrap();
    std::fs::write(&lp, &labels).unwrap();
    let with_labels = Dataset::load_idx(&ip, Some(&lp), Scale::Unit);
    let without = Dataset::load_idx(&ip, None, Scale::Symmetric);
    let truncated =
        std::fs::write(&ip, &images[..30]).map(|_| Dataset::load_idx(&ip, None, Scale::Unit));
    std::fs::remove_file(&ip).unwrap();
    std::fs::remove_file(&lp).unwrap();

    let data = with_labels.unwrap();
    assert_eq!((data.rows(), data.width(), data.has_labels()), (6, 6, true));
    let (x, l) = data.get_rows(&[1]).unwrap();
    assert_eq!(l, [1]);
    assert_eq!(x[0], 42.0 / 255.0);
    assert!(!without.unwrap().has_labels());
    assert_eq!(truncated.unwrap().unwrap_err().status, Status::Format);
}

/// The tensors whose names start with `prefix`.
fn tensors_of(model: &Model, prefix: &str) -> Vec<aae::Tensor> {
    let all = model.tensors().unwrap();
    let some: Vec<_> = all
        .into_iter()
        .filter(|t| t.name.starts_with(prefix))
        .collect();
    assert!(!some.is_empty(), "no tensor {prefix}*");
    some
}

#[test]
fn lr_callback_runs_once_per_epoch_and_phase() {
    let data = blob_dataset(ROWS, 1);
    for threads in [1.0, 2.0] {
        let mut model = small_builder(Preset::SemiSupervisedAae, 7).build().unwrap();
        let z_before = tensors_of(&model, "z_discriminator");
        let y_before = tensors_of(&model, "y_discriminator");
        let caller = std::thread::current().id();
        let mut calls = Vec::new();
        {
            let mut t = trainer(2);
            t.set(TrainerParam::Threads, threads).unwrap();
            t.set_lr_callback(|epoch, phase| {
                assert_eq!(std::thread::current().id(), caller);
                calls.push((epoch, phase));
                if phase == Phase::ZDiscriminator {
                    0.0
                } else {
                    1.0
                }
            });
            t.fit(&mut model, &data, Some(&data)).unwrap();
        }
        // The semi-supervised preset has all five phases, called in order.
        let expected: Vec<_> = (0..2).flat_map(|e| Phase::ALL.map(|p| (e, p))).collect();
        assert_eq!(calls, expected);
        // Factor 0: the z discriminator never moved; the y discriminator did.
        assert_eq!(tensors_of(&model, "z_discriminator"), z_before);
        assert_ne!(tensors_of(&model, "y_discriminator"), y_before);
        assert_eq!(model.steps().unwrap(), 2 * BATCHES);
    }
}

#[test]
fn lr_callback_panics_and_bad_factors_stop_before_training() {
    let data = blob_dataset(ROWS, 1);
    let mut model = small_ae(8);
    let before = model.save_memory().unwrap();
    let mut t = trainer(2);
    t.set_lr_callback(|epoch, phase| {
        assert!(
            phase != Phase::Reconstruction,
            "lr callback fails at epoch {epoch}"
        );
        1.0
    });
    let err = t.fit(&mut model, &data, None).unwrap_err();
    assert_eq!(err.status, Status::Cancelled);
    assert!(
        err.message
            .contains("aae_trainer_fit: the learning-rate callback panicked"),
        "{err}"
    );
    assert!(
        err.message.contains("lr callback fails at epoch 0"),
        "{err}"
    );
    assert_eq!(model.save_memory().unwrap(), before);

    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        t.set_lr_callback(move |_, _| bad);
        let err = t.epoch(&mut model, &data, None).unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument, "{err}");
        assert!(err.message.contains("learning-rate callback"), "{err}");
    }
    assert_eq!(model.steps().unwrap(), 0);

    // Removed with the other callbacks; the trainer stays usable. (An AE
    // has only the reconstruction phase.)
    let mut seen = 0;
    t.set_lr_callback(|_, phase| {
        assert_eq!(phase, Phase::Reconstruction);
        seen += 1;
        0.5
    });
    t.fit(&mut model, &data, None).unwrap();
    t.clear_callbacks();
    t.fit(&mut model, &data, None).unwrap();
    drop(t);
    assert_eq!(seen, 2);
    assert_eq!(model.steps().unwrap(), 4 * BATCHES);
}
