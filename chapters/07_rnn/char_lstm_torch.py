#!/usr/bin/python3
"""The character-level LSTM of char_lstm.cpp in PyTorch, for the benchmark.

Same data (the regular files of /usr/share/common-licenses in sorted order, the last
10% held out), same model (LSTM(128) -> Linear(V) at every step, one-hot input), same
training (T = 64, B = 32 random windows per step, Adam lr 2e-3 with Keras's epsilon
1e-7, global gradient norm clipped to 5), same measurements (seconds per 100 training
steps, timing only the training steps; training loss as the mean of the last 100 steps;
held-out loss per character over non-overlapping windows). Writes the same JSON fields
as `char_lstm --bench-json`. Not run by the build; the library does not need PyTorch.

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 chapters/07_rnn/char_lstm_torch.py --threads 2
"""
import argparse
import json
import math
import os
import sys
import time

import torch


def read_corpus(directory):
    names = sorted(n for n in os.listdir(directory)
                   if os.path.isfile(os.path.join(directory, n))
                   and not os.path.islink(os.path.join(directory, n)))
    text = b"".join(open(os.path.join(directory, n), "rb").read() for n in names)
    alphabet = sorted(set(text))
    symbol_of = {b: i for i, b in enumerate(alphabet)}
    return torch.tensor([symbol_of[b] for b in text], dtype=torch.long), len(alphabet)


class CharLSTM(torch.nn.Module):
    def __init__(self, V, H):
        super().__init__()
        self.V = V
        self.lstm = torch.nn.LSTM(V, H, batch_first=True)
        self.dense = torch.nn.Linear(H, V)
        with torch.no_grad():  # forget-gate bias 1 in total, as in nn::LSTM (and Keras)
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_hh_l0.zero_()
            self.lstm.bias_ih_l0[H:2 * H] = 1.0

    def forward(self, symbols):
        x = torch.nn.functional.one_hot(symbols, self.V).float()
        h, _ = self.lstm(x)
        return self.dense(h)


def heldout_loss(model, symbols, T):
    starts = list(range(0, len(symbols) - T, T))
    total = 0.0
    with torch.no_grad():
        for b in range(0, len(starts), 64):
            part = starts[b:b + 64]
            x = torch.stack([symbols[s:s + T] for s in part])
            y = torch.stack([symbols[s + 1:s + T + 1] for s in part])
            z = model(x)
            total += torch.nn.functional.cross_entropy(z.reshape(-1, model.V), y.reshape(-1)).item() * len(part)
    return total / len(starts)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="/usr/share/common-licenses")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--units", type=int, default=128)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clipnorm", type=float, default=5.0)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--bench-json", help="write the result here as JSON")
    args = p.parse_args()
    if args.steps < 1:
        print("error: --steps must be at least 1", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    symbols, V = read_corpus(args.data)
    split = len(symbols) - int(len(symbols) * 0.1)
    train, held = symbols[:split], symbols[split:]
    model = CharLSTM(V, args.units)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, eps=1e-7)
    T, B = args.seq, args.batch
    recent, seconds = [], 0.0
    for step in range(1, args.steps + 1):
        starts = torch.randint(0, len(train) - T - 1, (B,)).tolist()
        x = torch.stack([train[s:s + T] for s in starts])
        y = torch.stack([train[s + 1:s + T + 1] for s in starts])
        t0 = time.perf_counter()
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        if args.clipnorm > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clipnorm)
        opt.step()
        seconds += time.perf_counter() - t0
        recent = (recent + [loss.item()])[-100:]
        if step % 250 == 0 or step == args.steps:
            print(f"step {step:5d}  train loss {sum(recent) / len(recent):.3f}  "
                  f"{100 * seconds / step:.2f} s/100 steps", flush=True)
    result = {"implementation": f"PyTorch {torch.__version__} ({args.threads} threads)",
              "steps": args.steps, "seconds_per_100_steps": 100 * seconds / args.steps,
              "train_loss": sum(recent) / len(recent), "heldout_loss": heldout_loss(model, held, T)}
    print(json.dumps(result))
    if args.bench_json:
        with open(args.bench_json + ".tmp", "w") as f:
            f.write(json.dumps(result) + "\n")
        os.replace(args.bench_json + ".tmp", args.bench_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
