//! Data-parallel training through a `Collective`, without MPI: two
//! "processes" are two threads, each with its own model and trainer, joined
//! by an in-memory allreduce and broadcast (as the C suite's
//! test/test_parallel.c).

mod common;

use std::ops::ControlFlow;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use aae::{
    Activation, Collective, Dataset, Error, Layer, Losses, Model, ModelOption, OptimizerKind,
    OptimizerParam, Part, Preset, ReduceKind, Status, Trainer, TrainerParam,
};
use common::{blob_dataset, small_builder};

const ROWS: usize = 64;
const BATCH: f64 = 8.0;
const EPOCHS: u32 = 2;

/// What the members of one group share.
struct Group {
    size: usize,
    barrier: Barrier,
    /// Each member's allreduce contribution.
    slots: Mutex<Vec<Vec<f32>>>,
    /// Rank 0's broadcast bytes.
    root: Mutex<Vec<u8>>,
}

/// One member: its rank and what it saw.
struct Member {
    group: Arc<Group>,
    rank: usize,
    kinds: Vec<ReduceKind>,
    broadcasts: usize,
}

fn group(size: usize) -> Vec<Member> {
    let group = Arc::new(Group {
        size,
        barrier: Barrier::new(size),
        slots: Mutex::new(vec![Vec::new(); size]),
        root: Mutex::new(Vec::new()),
    });
    (0..size)
        .map(|rank| Member {
            group: Arc::clone(&group),
            rank,
            kinds: Vec::new(),
            broadcasts: 0,
        })
        .collect()
}

impl Collective for Member {
    fn allreduce(&mut self, kind: ReduceKind, data: &mut [f32]) -> aae::Result<()> {
        self.kinds.push(kind);
        let g = &*self.group;
        g.slots.lock().unwrap()[self.rank] = data.to_vec();
        g.barrier.wait();
        {
            // Every member adds the contributions in rank order, so all get
            // bit-identical sums.
            let slots = g.slots.lock().unwrap();
            if slots.iter().any(|s| s.len() != data.len()) {
                // Every member sees this and fails: nobody waits forever.
                return Err(Error {
                    status: Status::InvalidArgument,
                    message: format!("{kind:?}: the members' lengths differ"),
                });
            }
            for (i, d) in data.iter_mut().enumerate() {
                let mut sum = 0.0f32;
                for slot in slots.iter().take(g.size) {
                    sum += slot[i];
                }
                *d = sum;
            }
        }
        g.barrier.wait(); // everyone has read every contribution
        Ok(())
    }

    fn broadcast(&mut self, data: &mut [u8]) -> aae::Result<()> {
        self.broadcasts += 1;
        let g = &*self.group;
        if self.rank == 0 {
            *g.root.lock().unwrap() = data.to_vec();
        }
        g.barrier.wait();
        if self.rank != 0 {
            data.copy_from_slice(&g.root.lock().unwrap());
        }
        g.barrier.wait();
        Ok(())
    }
}

/// An AAE with every cross-row statistic and random draw of a step: batch
/// norm in the encoder, dropout in the decoder, noise on the
/// discriminator's input. SGD everywhere keeps the comparison with one
/// process tight (Adam amplifies rounding in tiny gradients).
fn model() -> Model {
    let mut b = small_builder(Preset::Aae, 3);
    b.set(ModelOption::ZWidth, 2.0).unwrap();
    b.clear_layers(Part::Encoder).unwrap();
    b.add_layer(
        Part::Encoder,
        Layer::new(32, Activation::LeakyRelu).slope(0.2).batchnorm(),
    )
    .unwrap();
    b.add_layer(Part::Encoder, Layer::new(24, Activation::Relu).batchnorm())
        .unwrap();
    b.clear_layers(Part::Decoder).unwrap();
    b.add_layer(
        Part::Decoder,
        Layer::new(32, Activation::Relu).dropout(0.25),
    )
    .unwrap();
    b.set(ModelOption::DiscNoise, 0.3).unwrap();
    b.set(ModelOption::JointGenerator, 0.0).unwrap(); // the paper's three phases
    for part in Part::ALL {
        b.set_optimizer(part, OptimizerKind::Sgd).unwrap();
        b.set_optimizer_param(part, OptimizerParam::Lr, 0.05)
            .unwrap();
        b.set_optimizer_param(part, OptimizerParam::Momentum, 0.9)
            .unwrap();
    }
    b.build().unwrap()
}

fn trainer<'a>() -> Trainer<'a> {
    let mut t = Trainer::new().unwrap();
    t.set(TrainerParam::BatchSize, BATCH).unwrap();
    t.set(TrainerParam::Epochs, f64::from(EPOCHS)).unwrap();
    t.set(TrainerParam::Seed, 5.0).unwrap();
    t
}

/// Trains `model` alone or as `member` of a group of two; returns the
/// last batch's losses as the batch callback saw them.
fn fit(model: &mut Model, data: &Dataset, member: Option<&mut Member>) -> Losses {
    let mut last = Losses::default();
    {
        let mut t = trainer();
        if let Some(me) = member {
            let rank = me.rank as u32;
            t.set_parallel(rank, 2, Some(me)).unwrap();
            assert_eq!(t.parallel(), (rank, 2));
        }
        t.on_batch(|r| {
            last = r.losses;
            ControlFlow::Continue(())
        });
        t.fit(model, data, None).unwrap();
    }
    last
}

/// Every parameter and statistic of `a` within `atol + rtol |b|` of `b`'s;
/// returns the largest difference.
fn assert_close(a: &Model, b: &Model, atol: f32, rtol: f32) -> f32 {
    let (ta, tb) = (a.tensors().unwrap(), b.tensors().unwrap());
    assert_eq!(ta.len(), tb.len());
    let mut worst = 0.0f32;
    for (x, y) in ta.iter().zip(&tb) {
        assert_eq!(x.name, y.name);
        for (k, (&u, &v)) in x.values.iter().zip(&y.values).enumerate() {
            let d = (u - v).abs();
            worst = worst.max(d);
            assert!(d <= atol + rtol * v.abs(), "{}[{k}]: {u} vs {v}", x.name);
        }
    }
    worst
}

#[test]
fn two_threads_train_the_model_one_process_trains() {
    let data = blob_dataset(ROWS, 11);

    let mut alone = model();
    let alone_losses = fit(&mut alone, &data, None);
    let moved = assert_close(&alone, &model(), f32::INFINITY, 0.0);
    assert!(
        moved > 1e-2,
        "training changed the parameters by {moved} at most"
    );

    let results: Vec<(Model, Losses, Member)> = thread::scope(|s| {
        let handles: Vec<_> = group(2)
            .into_iter()
            .map(|mut me| {
                let mut m = model();
                let data = &data;
                s.spawn(move || {
                    let losses = fit(&mut m, data, Some(&mut me));
                    (m, losses, me)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let steps = u64::from(EPOCHS) * (ROWS as u64 / BATCH as u64);
    for (m, losses, me) in &results {
        assert_eq!(m.steps().unwrap(), steps, "rank {}", me.rank);
        // One broadcast of the settings and one of the model per epoch.
        assert!(me.broadcasts >= EPOCHS as usize, "rank {}", me.rank);
        // AAE: reconstruction, discriminator and generator phases.
        let grads = me
            .kinds
            .iter()
            .filter(|k| **k == ReduceKind::Gradients)
            .count();
        assert_eq!(grads as u64, 3 * steps, "rank {}", me.rank);
        assert!(me.kinds.contains(&ReduceKind::BatchStats));
        assert!(me.kinds.contains(&ReduceKind::Losses));
        assert!(me.kinds.contains(&ReduceKind::Status));

        let worst = assert_close(m, &alone, 1e-4, 1e-4);
        eprintln!(
            "rank {}: largest difference to one process {worst:e}",
            me.rank
        );
        // The callbacks see the global losses.
        for (p, q) in [
            (losses.rec, alone_losses.rec),
            (losses.disc_z, alone_losses.disc_z),
            (losses.gen_z, alone_losses.gen_z),
        ] {
            assert!(
                (p - q).abs() <= 1e-4 + 1e-4 * q.abs(),
                "{losses:?} vs {alone_losses:?}"
            );
        }
    }
    // The ranks hold the same model: the same reductions reached both.
    assert_close(&results[0].0, &results[1].0, 0.0, 0.0);
    assert_eq!(results[0].1, results[1].1);
    assert_eq!(results[0].2.kinds, results[1].2.kinds);
}

/// A collective of one member that fails (or panics) at its first call.
struct Failing {
    panic: bool,
}

impl Collective for Failing {
    fn allreduce(&mut self, _: ReduceKind, _: &mut [f32]) -> aae::Result<()> {
        Ok(())
    }

    fn broadcast(&mut self, _: &mut [u8]) -> aae::Result<()> {
        assert!(!self.panic, "the link broke");
        Err(Error {
            status: Status::Io,
            message: "link down".into(),
        })
    }
}

#[test]
fn a_failing_collective_stops_training_with_its_error() {
    let data = blob_dataset(ROWS, 11);
    let mut m = model();
    let (mut fails, mut panics) = (Failing { panic: false }, Failing { panic: true });
    let mut t = trainer();

    t.set_parallel(0, 2, Some(&mut fails)).unwrap();
    let err = t.epoch(&mut m, &data, None).unwrap_err();
    assert_eq!(err.status, Status::Io, "{err}");
    assert!(
        err.message
            .contains("aae_trainer_epoch: the broadcast hook failed: link down"),
        "{err}"
    );

    t.set_parallel(0, 2, Some(&mut panics)).unwrap();
    let err = t.epoch(&mut m, &data, None).unwrap_err();
    assert_eq!(err.status, Status::Cancelled, "{err}");
    assert!(
        err.message
            .contains("the broadcast hook panicked: the link broke"),
        "{err}"
    );
    assert_eq!(m.steps().unwrap(), 0);

    // Switched off, the same trainer and model train alone.
    t.set_parallel(0, 1, None).unwrap();
    assert_eq!(t.parallel(), (0, 1));
    t.epoch(&mut m, &data, None).unwrap();
    assert_eq!(m.steps().unwrap(), ROWS as u64 / BATCH as u64);
}

#[test]
fn set_parallel_checks_its_arguments() {
    let mut fails = Failing { panic: false };
    let mut t = Trainer::new().unwrap();
    for (rank, size) in [(2, 2), (5, 2), (0, 0)] {
        let err = t.set_parallel(rank, size, None).unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument, "{err}");
        assert!(err.message.contains("aae_trainer_set_parallel"), "{err}");
    }
    let err = t.set_parallel(2, 2, Some(&mut fails)).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "{err}");
    assert!(err.message.contains("rank 2"), "{err}");
    // More than one process needs a collective.
    let err = t.set_parallel(0, 2, None).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "{err}");
    // A refused setting leaves the trainer as it was.
    assert_eq!(t.parallel(), (0, 1));
}
