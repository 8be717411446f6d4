# Reference outputs and gradients for Keras's GRU with reset_after=True (Keras 2's default), which TensorFlow.js
# lacks, from PyTorch's torch.nn.GRU: the same equations (PyTorch's n gate is Keras's h gate, its r*(W_hn h + b_hn) is
# Keras's reset-after form), in float64. Weights are drawn in Keras's layout (kernel (f, 3u) with gates z, r, h;
# recurrent_kernel (u, 3u); bias (2, 3u) = input bias, recurrent bias), moved into PyTorch's (gates r, z, n,
# transposed), and the gradients moved back. Same JSON schema as recurrent.json. Regenerate with:
#   /usr/bin/python3 make-gru-reset-after-fixture.py gru-reset-after.json      (python3-torch, PyTorch 1.13)
import json
import sys

import torch

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)


def keras_to_torch(m, u):
    """(rows, 3u) Keras blocks z, r, h -> PyTorch (3u, rows) blocks r, z, n."""
    z, r, h = m[:, :u], m[:, u:2 * u], m[:, 2 * u:]
    return torch.cat([r, z, h], dim=1).t()


def torch_to_keras(m, u):
    """PyTorch (3u, rows) blocks r, z, n -> Keras (rows, 3u) blocks z, r, h."""
    t = m.t()
    r, z, n = t[:, :u], t[:, u:2 * u], t[:, 2 * u:]
    return torch.cat([z, r, n], dim=1)


def tensor_json(t):
    return {"shape": list(t.shape), "values": [float(v) for v in t.detach().reshape(-1).tolist()]}


def case(return_sequences, batch=2, steps=5, features=3, units=4):
    x = (torch.rand(batch, steps, features) * 2 - 1)
    kernel = (torch.rand(features, 3 * units) * 2 - 1) * 0.5
    recurrent = (torch.rand(units, 3 * units) * 2 - 1) * 0.5
    bias = (torch.rand(2, 3 * units) * 2 - 1) * 0.5
    gru = torch.nn.GRU(features, units, batch_first=True)
    with torch.no_grad():
        gru.weight_ih_l0.copy_(keras_to_torch(kernel, units))
        gru.weight_hh_l0.copy_(keras_to_torch(recurrent, units))
        gru.bias_ih_l0.copy_(keras_to_torch(bias[0:1], units).reshape(-1))
        gru.bias_hh_l0.copy_(keras_to_torch(bias[1:2], units).reshape(-1))
    xin = x.clone().requires_grad_(True)
    seq, _ = gru(xin)
    out = seq if return_sequences else seq[:, -1, :]
    r = torch.rand(out.shape) * 2 - 1
    (out * r).sum().backward()
    grad_bias = torch.stack([torch_to_keras(gru.bias_ih_l0.grad.reshape(-1, 1), units).reshape(-1),
                             torch_to_keras(gru.bias_hh_l0.grad.reshape(-1, 1), units).reshape(-1)])
    return {
        "name": "gru_reset_after_return_sequences_" + ("true" if return_sequences else "false"),
        "training": True,
        "config": {"units": units, "reset_after": True, "return_sequences": return_sequences},
        "input": tensor_json(x),
        "weights": [dict(name="gru/kernel", **tensor_json(kernel)), dict(name="gru/recurrent_kernel", **tensor_json(recurrent)),
                    dict(name="gru/bias", **tensor_json(bias))],
        "output": tensor_json(out),
        "r": tensor_json(r),
        "input_gradient": tensor_json(xin.grad),
        "weight_gradients": [dict(name="gru/kernel", **tensor_json(torch_to_keras(gru.weight_ih_l0.grad, units))),
                             dict(name="gru/recurrent_kernel", **tensor_json(torch_to_keras(gru.weight_hh_l0.grad, units))),
                             dict(name="gru/bias", **tensor_json(grad_bias))],
    }


with open(sys.argv[1], "w") as f:
    json.dump({"generator": "torch " + torch.__version__ + " float64", "cases": [case(False), case(True)]}, f)
    f.write("\n")
