//! Model::state_dict / load_state_dict: PyTorch's names, shapes and
//! order, its strictness, and a refused load that changes nothing.

mod common;

use aae::{Activation, Layer, Model, ModelOption, Part, Preset, StateDict, TorchData, TorchTensor};
use common::{blobs, small_builder, WIDTH};

/// An AE whose encoder is Linear(16, 8), BatchNorm1d(8), ReLU, Linear(8, 2)
/// and decoder Linear(2, 32), ReLU, Linear(32, 16), Sigmoid.
fn bn_model(seed: u64) -> Model {
    let mut b = small_builder(Preset::Ae, seed);
    b.set(ModelOption::ZWidth, 2.0).unwrap();
    b.clear_layers(Part::Encoder).unwrap();
    b.add_layer(Part::Encoder, Layer::new(8, Activation::Relu).batchnorm())
        .unwrap();
    b.build().unwrap()
}

fn trained(seed: u64, steps: u64) -> Model {
    let mut m = bn_model(seed);
    let (x, _) = blobs(32, 5);
    for step in 0..steps {
        m.train_step(&x, None, 32, None, step).unwrap();
    }
    m
}

fn floats(t: &TorchTensor) -> &[f32] {
    match &t.data {
        TorchData::F32(v) => v,
        TorchData::I64(_) => panic!("not floats"),
    }
}

#[test]
fn state_dict_has_pytorchs_names_shapes_and_order() {
    let m = trained(1, 3);
    let sd = m.state_dict().unwrap();
    let layout: Vec<(&str, Vec<usize>)> = sd
        .iter()
        .map(|(n, t)| (n.as_str(), t.shape.clone()))
        .collect();
    assert_eq!(
        layout,
        vec![
            ("encoder.0.weight", vec![8, WIDTH]),
            ("encoder.0.bias", vec![8]),
            ("encoder.1.weight", vec![8]),
            ("encoder.1.bias", vec![8]),
            ("encoder.1.running_mean", vec![8]),
            ("encoder.1.running_var", vec![8]),
            ("encoder.1.num_batches_tracked", vec![]),
            ("encoder.3.weight", vec![2, 8]),
            ("encoder.3.bias", vec![2]),
            ("decoder.0.weight", vec![32, 2]),
            ("decoder.0.bias", vec![32]),
            ("decoder.2.weight", vec![WIDTH, 32]),
            ("decoder.2.bias", vec![WIDTH]),
        ]
    );
    assert_eq!(sd[6].1.data, TorchData::I64(vec![3]));
    assert_eq!(
        bn_model(1).state_dict().unwrap()[6].1.data,
        TorchData::I64(vec![0])
    );
    // The values are the library's tensors.
    for t in m.tensors().unwrap() {
        let (_, s) = sd.iter().find(|(n, _)| *n == t.name).unwrap();
        assert_eq!(floats(s), t.values.as_slice(), "{}", t.name);
    }
}

#[test]
fn load_state_dict_round_trips() {
    let src = trained(1, 3);
    let mut dst = bn_model(9);
    let (x, _) = blobs(8, 13);
    assert_ne!(dst.encode(&x, 8).unwrap().0, src.encode(&x, 8).unwrap().0);
    let keys = dst
        .load_state_dict(&src.state_dict().unwrap(), true)
        .unwrap();
    assert_eq!(keys, Default::default());
    assert_eq!(dst.encode(&x, 8).unwrap().0, src.encode(&x, 8).unwrap().0);
    assert_eq!(dst.tensors().unwrap(), src.tensors().unwrap());
}

/// `sd` with every float moved by 1 (so a partial write would show).
fn moved(sd: &StateDict) -> StateDict {
    sd.iter()
        .map(|(n, t)| {
            let mut t = t.clone();
            if let TorchData::F32(v) = &mut t.data {
                v.iter_mut().for_each(|x| *x += 1.0);
            }
            (n.clone(), t)
        })
        .collect()
}

fn refused(m: &mut Model, sd: &StateDict, strict: bool, needle: &str) {
    let before = m.tensors().unwrap();
    let err = m.load_state_dict(sd, strict).unwrap_err();
    assert_eq!(err.status, aae::Status::InvalidArgument);
    assert!(err.message.contains(needle), "{err}");
    assert_eq!(m.tensors().unwrap(), before);
}

#[test]
fn a_refused_load_changes_nothing() {
    let mut m = trained(1, 3);
    let sd = m.state_dict().unwrap();
    let last = sd.len() - 1; // decoder.2.bias: the ones before must stay unwritten
    let edit = |f: &dyn Fn(&mut TorchTensor)| {
        let mut s = moved(&sd);
        f(&mut s[last].1);
        s
    };
    let bad = edit(&|t| t.shape = vec![1, WIDTH]);
    refused(
        &mut m,
        &bad,
        true,
        "decoder.2.bias has shape [16] in PyTorch's layout, the value [1, 16]",
    );
    refused(&mut m, &bad, false, "decoder.2.bias has shape [16]");
    refused(
        &mut m,
        &edit(&|t| t.data = TorchData::F32(vec![0.0; 3])),
        true,
        "holds 3",
    );
    refused(
        &mut m,
        &edit(&|t| t.data = TorchData::I64(vec![0; WIDTH])),
        true,
        "must hold floats",
    );
    refused(
        &mut m,
        &edit(&|t| t.data = TorchData::F32(vec![f32::NAN; WIDTH])),
        true,
        "element 0 is NaN (must be finite)",
    );
    let mut s = moved(&sd);
    if let TorchData::F32(v) = &mut s[5].1.data {
        v[2] = -1.0;
    }
    refused(
        &mut m,
        &s,
        true,
        "encoder.1.running_var element 2 is -1 (must be finite and >= 0)",
    );
    for (data, shape, needle) in [
        (TorchData::I64(vec![-1]), vec![], "must be >= 0, not -1"),
        (TorchData::F32(vec![1.0]), vec![], "must be an integer"),
        (
            TorchData::I64(vec![1]),
            vec![1],
            "has shape [] in PyTorch's layout, the value [1]",
        ),
        (TorchData::I64(vec![1, 2]), vec![], "holds 2"),
    ] {
        let mut s = moved(&sd);
        s[6].1 = TorchTensor { shape, data };
        refused(&mut m, &s, true, needle);
    }
}

#[test]
fn strict_names_unknown_missing_and_repeated_keys() {
    let mut m = trained(1, 3);
    let sd = m.state_dict().unwrap();
    let mut s = moved(&sd);
    s.push(("encoder.9.weight".into(), s[0].1.clone()));
    refused(&mut m, &s, true, "unexpected key(s): encoder.9.weight");
    let mut s = moved(&sd);
    s.remove(6);
    s.remove(1);
    refused(
        &mut m,
        &s,
        true,
        "missing key(s): encoder.0.bias, encoder.1.num_batches_tracked",
    );
    let mut s = moved(&sd);
    s.push(s[0].clone());
    refused(&mut m, &s, false, "encoder.0.weight is given twice");

    // Not strict: unknown names ignored, missing ones left as they are.
    let before = m.tensors().unwrap();
    let bias = TorchTensor {
        shape: vec![8],
        data: TorchData::F32(vec![0.5; 8]),
    };
    let keys = m
        .load_state_dict(
            &vec![
                ("encoder.0.bias".into(), bias),
                ("x".into(), sd[0].1.clone()),
            ],
            false,
        )
        .unwrap();
    assert_eq!(keys.unexpected_keys, vec!["x".to_string()]);
    assert_eq!(keys.missing_keys.len(), sd.len() - 1);
    assert!(!keys.missing_keys.contains(&"encoder.0.bias".to_string()));
    for (t, b) in m.tensors().unwrap().iter().zip(&before) {
        if t.name == "encoder.0.bias" {
            assert_eq!((t.rows, t.cols, t.values.clone()), (1, 8, vec![0.5; 8]));
        } else {
            assert_eq!(t, b);
        }
    }
}
