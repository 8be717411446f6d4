#!/usr/bin/python3
"""The reference MNIST MLP in PyTorch, for side-by-side timing with `core-bench --model mlp`.

Same model as Orrery's reference (Dense 512 relu, Dense 10 softmax; 407,050 parameters), Keras's RMSprop (lr 1e-3,
rho 0.9, epsilon 1e-7), batch 128, shuffled each epoch, inputs scaled to [0, 1]. Prints seconds per epoch and the test
accuracy. Reads the IDX files Orrery caches (~/.orrery/datasets/mnist, or the folder given). One thread is PyTorch's
best here (FIELD-NOTES.md: with two, its OpenMP and OpenBLAS pools fight):

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 examples/scripts/pytorch_mlp.py --threads 1 --epochs 4
"""
import argparse
import os
import time

import torch
from torch import nn

from pytorch_convnet import idx


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.expanduser("~/.orrery/datasets/mnist"))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--samples", type=int, default=60000, help="train on the first N samples per epoch")
    p.add_argument("--batch-size", type=int, default=128)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    x = torch.from_numpy(idx(a.data + "/train-images-idx3-ubyte").reshape(-1, 784).astype("float32") / 255)
    y = torch.from_numpy(idx(a.data + "/train-labels-idx1-ubyte").astype("int64"))
    xt = torch.from_numpy(idx(a.data + "/t10k-images-idx3-ubyte").reshape(-1, 784).astype("float32") / 255)
    yt = torch.from_numpy(idx(a.data + "/t10k-labels-idx1-ubyte").astype("int64"))
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    print("params", sum(t.numel() for t in model.parameters()), "threads", torch.get_num_threads(), "torch", torch.__version__)
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    x, y = x[:a.samples], y[:a.samples]
    n = x.shape[0]
    for epoch in range(a.epochs):
        model.train()
        t0 = time.perf_counter()
        c0 = time.process_time()
        perm = torch.randperm(n)
        for i in range(0, n, a.batch_size):
            idx_b = perm[i:i + a.batch_size]
            opt.zero_grad()
            loss = loss_fn(model(x[idx_b]), y[idx_b])
            loss.backward()
            opt.step()
        s = time.perf_counter() - t0
        cpu = time.process_time() - c0  # every thread of the process, as core-bench's "cpu"
        print(f"epoch {epoch + 1}: {s:.2f} s ({n / s:.0f} samples/s), last loss {loss.item():.4f}, cpu {cpu:.2f} s",
              flush=True)
    model.eval()
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    print(f"test_acc: {acc:.4f}")


if __name__ == "__main__":
    main()
