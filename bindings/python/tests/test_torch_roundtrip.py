"""PyTorch round trips: a net trained in PyTorch, loaded into libaae, gives
the same codes, and a model trained in libaae, loaded into PyTorch, too.
The PyTorch nets are built from the Builder's own layer getters, as
nn.Sequential mirrors with libaae's module indices."""
import numpy as np
import pytest

import aae

torch = pytest.importorskip("torch", reason="PyTorch is not installed: no round trip to test")
nn = torch.nn

WIDTH, Z = 6, 2


def builder(preset):
    """A preset with small layers: AE with BatchNorm in both encoder layers,
    AAE (Gaussian posterior, LeakyReLU 0.2, BatchNorm in the second layer,
    a z discriminator) with its layers narrowed."""
    b = aae.Builder(preset).set(aae.Option.INPUT_WIDTH, WIDTH).set(aae.Option.Z_WIDTH, Z)
    b.set(aae.Option.SEED, 3)
    for part in aae.Part:
        layers = b.layers(part)
        b.clear_layers(part)
        for i, layer in enumerate(layers):
            bn = layer["batchnorm"] or (preset == "ae" and part == aae.Part.ENCODER)
            b.add_layer(part, 5 + i, layer["activation"], slope=layer["slope"], batchnorm=bn,
                        dropout=layer["dropout"])
    return b


def mirror(b, part, width_in, width_out, output=aae.Output.LINEAR):
    """nn.Sequential of `part` as the builder describes it: per hidden layer
    Linear, BatchNorm1d (the builder's eps and momentum), the activation,
    Dropout; then the output Linear and activation."""
    eps, momentum = b.get(aae.Option.BN_EPS), b.get(aae.Option.BN_MOMENTUM)
    act = {aae.Activation.RELU: lambda s: nn.ReLU(), aae.Activation.LEAKY_RELU: nn.LeakyReLU,
           aae.Activation.TANH: lambda s: nn.Tanh(), aae.Activation.SIGMOID: lambda s: nn.Sigmoid()}
    mods = []
    for layer in b.layers(part):
        mods.append(nn.Linear(width_in, layer["width"]))
        if layer["batchnorm"]:
            mods.append(nn.BatchNorm1d(layer["width"], eps=eps, momentum=momentum))
        mods.append(act[layer["activation"]](layer["slope"]))
        if layer["dropout"] > 0:
            mods.append(nn.Dropout(layer["dropout"]))
        width_in = layer["width"]
    mods.append(nn.Linear(width_in, width_out))
    out = {aae.Output.SIGMOID: nn.Sigmoid, aae.Output.TANH: nn.Tanh}.get(output)
    return nn.Sequential(*mods, *([out()] if out else []))


def torch_model(b):
    gaussian = b.get(aae.Option.POSTERIOR) == 1  # AAE_POSTERIOR_GAUSSIAN
    nets = {"encoder": mirror(b, aae.Part.ENCODER, WIDTH, 2 * Z if gaussian else Z),
            "decoder": mirror(b, aae.Part.DECODER, Z, WIDTH, aae.Output(int(b.get(aae.Option.OUTPUT))))}
    if b.layers(aae.Part.Z_DISCRIMINATOR):
        nets["z_discriminator"] = mirror(b, aae.Part.Z_DISCRIMINATOR, Z, 1)
    return nn.ModuleDict(nets)


def data(rows=32, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (rows, WIDTH)).astype(np.float32)


def torch_codes(net, x):
    net.eval()
    with torch.no_grad():
        return net["encoder"](torch.from_numpy(x))[:, :Z].numpy()


def train_in_torch(net, steps=5):
    """A few Adam steps of every net on a simple loss: the weights and the
    BatchNorm statistics all move."""
    torch.manual_seed(0)
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    x = torch.from_numpy(data(seed=1))
    net.train()
    for _ in range(steps):
        z = net["encoder"](x)[:, :Z]
        loss = ((net["decoder"](z) - x) ** 2).mean()
        if "z_discriminator" in net:
            loss = loss + net["z_discriminator"](z).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


@pytest.mark.parametrize("preset", ["ae", "aae"])
def test_pytorch_trained_weights_give_the_same_codes_in_libaae(preset):
    b = builder(preset)
    net, model = torch_model(b), b.build()
    assert [(k, tuple(v.shape)) for k, v in net.state_dict().items()] == \
        [(k, v.shape) for k, v in model.state_dict().items()]
    train_in_torch(net)
    sd = net.state_dict()
    bn = [k for k in sd if k.endswith("running_mean")]
    assert bn and all(sd[k].abs().max() > 0 for k in bn)  # the statistics moved
    assert all(int(sd[k]) == 5 for k in sd if k.endswith("num_batches_tracked"))
    x = data(seed=2)
    assert not np.allclose(model.encode(x), torch_codes(net, x), atol=1e-3)
    assert model.load_state_dict(sd) == ([], [])  # torch tensors as they are
    np.testing.assert_allclose(model.encode(x), torch_codes(net, x), rtol=1e-5, atol=1e-6)
    with torch.no_grad():
        rec = net["decoder"](net["encoder"](torch.from_numpy(x))[:, :Z]).numpy()
    np.testing.assert_allclose(model.reconstruct(x), rec, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("preset", ["ae", "aae"])
def test_libaae_trained_weights_give_the_same_codes_in_pytorch(preset):
    b = builder(preset)
    net, model = torch_model(b), b.build()
    x = data(seed=1)
    for _ in range(4):
        model.train_step(x)
    sd = model.state_dict()
    assert all(np.abs(sd[k]).max() > 0 for k in sd if k.endswith("running_mean"))
    x = data(seed=2)
    assert not np.allclose(model.encode(x), torch_codes(net, x), atol=1e-3)
    result = net.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()}, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    np.testing.assert_allclose(torch_codes(net, x), model.encode(x), rtol=1e-5, atol=1e-6)
    # And back again: PyTorch's state_dict restores the very same values.
    other = b.build()
    other.load_state_dict(net.state_dict())
    for k, v in model.tensors().items():
        np.testing.assert_array_equal(other.tensors()[k], v)
