#!/usr/bin/python3
"""The Keras book's MNIST convnet (chapter 8) in PyTorch, for side-by-side timing with `core-bench --model convnet`.

Same model (Conv2D 32/64/128 3x3 relu, 2x2 max pools, Dense 10 softmax; 104,202 parameters), Keras's RMSprop
(lr 1e-3, rho 0.9, epsilon 1e-7), batch 64, shuffled each epoch, inputs scaled to [0, 1]. Prints seconds per epoch
and the test accuracy. Reads the IDX files Orrery caches (~/.orrery/datasets/mnist, or the folder given).

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 examples/scripts/pytorch_convnet.py --threads 2 --epochs 5
"""
import argparse
import os
import struct
import time

import numpy as np
import torch
from torch import nn


def idx(path):
    with open(path, "rb") as f:
        magic, = struct.unpack(">i", f.read(4))
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.expanduser("~/.orrery/datasets/mnist"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--samples", type=int, default=60000, help="train on the first N samples per epoch")
    p.add_argument("--batch-size", type=int, default=64)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(1)
    x = torch.from_numpy(idx(a.data + "/train-images-idx3-ubyte").astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(idx(a.data + "/train-labels-idx1-ubyte").astype(np.int64))
    xt = torch.from_numpy(idx(a.data + "/t10k-images-idx3-ubyte").astype(np.float32) / 255).unsqueeze(1)
    yt = torch.from_numpy(idx(a.data + "/t10k-labels-idx1-ubyte").astype(np.int64))
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3), nn.ReLU(),
        # Keras flattens channels last: (3, 3, 128); the order does not change the cost
        nn.Flatten(), nn.Linear(1152, 10))
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
