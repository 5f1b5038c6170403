#!/usr/bin/python3
"""Writes the PyTorch golden fixtures that test/test_golden.c compares against.

Run by hand (not in CI) with Debian's PyTorch:
    apt-get install python3-torch && /usr/bin/python3 test/golden/make_golden.py
Each fixture file is plain text: a line "name count" then count floats.
Parameters use libaae's layout: Linear weight [out x in] row-major, then bias;
BatchNorm gamma then beta.
"""
import os
import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float32)
HERE = os.path.dirname(os.path.abspath(__file__))


def write(path, items):
    with open(os.path.join(HERE, path), "w") as f:
        for name, t in items:
            flat = t.detach().reshape(-1).tolist()
            f.write("%s %d\n" % (name, len(flat)))
            f.write(" ".join(repr(float(v)) for v in flat) + "\n")


def stack():
    """Linear(5,7) -> BatchNorm1d(7) -> LeakyReLU(0.2) -> Linear(7,3) -> Tanh."""
    net = torch.nn.Sequential(
        torch.nn.Linear(5, 7), torch.nn.BatchNorm1d(7), torch.nn.LeakyReLU(0.2),
        torch.nn.Linear(7, 3), torch.nn.Tanh())
    with torch.no_grad():  # non-trivial gamma/beta
        net[1].weight.uniform_(0.5, 1.5)
        net[1].bias.uniform_(-0.5, 0.5)
    params = torch.cat([net[0].weight.reshape(-1), net[0].bias, net[1].weight, net[1].bias,
                        net[3].weight.reshape(-1), net[3].bias]).detach().clone()
    x = torch.randn(6, 5, requires_grad=True)
    r = torch.randn(6, 3)
    net.train()
    y = net(x)
    (y * r).sum().backward()
    grads = torch.cat([net[0].weight.grad.reshape(-1), net[0].bias.grad, net[1].weight.grad,
                       net[1].bias.grad, net[3].weight.grad.reshape(-1), net[3].bias.grad])
    net.eval()
    with torch.no_grad():
        y_eval = net(x)
    write("stack.txt", [("params", params), ("x", x), ("r", r), ("y_train", y),
                        ("grads", grads), ("dx", x.grad),
                        ("running_mean", net[1].running_mean), ("running_var", net[1].running_var),
                        ("y_eval", y_eval)])


def losses():
    items = []
    p = torch.randn(4, 5, requires_grad=True)
    t = torch.randn(4, 5)
    for name, fn in (("mse", torch.nn.MSELoss()), ("l1", torch.nn.L1Loss())):
        p.grad = None
        loss = fn(p, t)
        loss.backward()
        items += [(name + "_p", p), (name + "_t", t), (name + "_loss", loss.reshape(1)),
                  (name + "_grad", p.grad)]
    q = torch.rand(4, 5).mul(0.9).add(0.05).requires_grad_()
    tq = torch.rand(4, 5)
    loss = torch.nn.BCELoss()(q, tq)
    loss.backward()
    items += [("bce_p", q), ("bce_t", tq), ("bce_loss", loss.reshape(1)), ("bce_grad", q.grad)]
    z = torch.randn(4, 5).mul(3)
    z[0, 0], z[1, 1], z[2, 2] = 30.0, -30.0, 80.0
    z.requires_grad_()
    loss = torch.nn.BCEWithLogitsLoss()(z, tq)
    loss.backward()
    items += [("bcel_p", z), ("bcel_t", tq), ("bcel_loss", loss.reshape(1)), ("bcel_grad", z.grad)]
    logits = torch.randn(6, 4, requires_grad=True)
    labels = torch.tensor([2, -1, 0, 3, -1, 1])
    loss = torch.nn.CrossEntropyLoss(ignore_index=-1)(logits, labels)
    loss.backward()
    items += [("ce_logits", logits), ("ce_labels", labels.float()), ("ce_loss", loss.reshape(1)),
              ("ce_grad", logits.grad)]
    mu = torch.randn(3, 4, requires_grad=True)
    lv = torch.randn(3, 4).mul(0.5).requires_grad_()
    kl = (-0.5 * (1 + lv - mu.pow(2) - lv.exp())).sum() / mu.shape[0]
    kl.backward()
    items += [("kl_mu", mu), ("kl_logvar", lv), ("kl_loss", kl.reshape(1)),
              ("kl_dmu", mu.grad), ("kl_dlogvar", lv.grad)]
    write("losses.txt", items)


def optimizers():
    items = []
    p0 = torch.randn(10)
    grads = torch.randn(5, 10)
    configs = (
        ("sgd_momentum", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1)),
        ("sgd_nesterov", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                                    weight_decay=0.01)),
        ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.5, 0.999))),
        ("adam_wd", lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1)),
    )
    items += [("p0", p0), ("grads", grads)]
    for name, make in configs:
        p = torch.nn.Parameter(p0.clone())
        opt = make([p])
        after = []
        for s in range(5):
            p.grad = grads[s].clone()
            opt.step()
            after.append(p.detach().clone())
        items.append((name, torch.stack(after)))
    write("optim.txt", items)


stack()
losses()
optimizers()
