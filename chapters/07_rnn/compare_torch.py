#!/usr/bin/python3
"""Compares nn::SimpleRNN and nn::LSTM with PyTorch's nn.RNN and nn.LSTM on random small cases.

Each case draws weights, initial states, an input and an output gradient; maps the
weights onto PyTorch's layout (weight_ih = Wx^T, weight_hh = Wh^T, the bias split as
bias_ih = b, bias_hh = 0; the same gate order i, f, g, o); runs both; and reports the
largest absolute difference of every output and gradient. The library does not depend
on PyTorch: this script drives the C++ through the small text program rnn_io.

    /usr/bin/python3 chapters/07_rnn/compare_torch.py --rnn-io build/chapters/07_rnn/rnn_io
"""
import argparse
import subprocess
import sys

import torch


def run_case(rnn_io, kind, N, T, D, H, sequences, gen):
    G = 4 * H if kind == "lstm" else H
    r = lambda *shape: torch.rand(*shape, generator=gen, dtype=torch.float64) * 2 - 1
    Wx, Wh, b = r(D, G), r(H, G), r(G)
    h0, c0, x = r(N, H), r(N, H), r(N, T, D)
    dy = r(N, T, H) if sequences else r(N, H)
    numbers = [Wx, Wh, b, h0] + ([c0] if kind == "lstm" else []) + [x, dy]
    text = f"{kind} {N} {T} {D} {H} {int(sequences)}\n" + "\n".join(
        " ".join(repr(v) for v in t.flatten().tolist()) for t in numbers)
    out = subprocess.run([rnn_io], input=text, capture_output=True, text=True, check=True).stdout
    cpp = {line.split()[0]: torch.tensor([float(v) for v in line.split()[1:]], dtype=torch.float64)
           for line in out.splitlines()}

    Layer = torch.nn.LSTM if kind == "lstm" else torch.nn.RNN
    layer = Layer(D, H, batch_first=True).double()
    with torch.no_grad():
        layer.weight_ih_l0.copy_(Wx.T)
        layer.weight_hh_l0.copy_(Wh.T)
        layer.bias_ih_l0.copy_(b)
        layer.bias_hh_l0.zero_()
    xt = x.clone().requires_grad_()
    h0t = h0.unsqueeze(0).clone().requires_grad_()
    c0t = c0.unsqueeze(0).clone().requires_grad_()
    y, _ = layer(xt, (h0t, c0t)) if kind == "lstm" else layer(xt, h0t)
    if not sequences:
        y = y[:, -1, :]
    (y * dy).sum().backward()
    ref = {"y": y.detach(), "dx": xt.grad, "dWx": layer.weight_ih_l0.grad.T,
           "dWh": layer.weight_hh_l0.grad.T, "db": layer.bias_ih_l0.grad, "dh0": h0t.grad[0]}
    if kind == "lstm":
        ref["dc0"] = c0t.grad[0]
    return {k: (cpp[k] - v.flatten()).abs().max().item() for k, v in ref.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rnn-io", required=True, help="path of the built rnn_io program")
    parser.add_argument("--cases", type=int, default=12, help="random cases per layer kind")
    parser.add_argument("--tolerance", type=float, default=1e-10)
    args = parser.parse_args()
    gen = torch.Generator().manual_seed(0)
    worst = 0.0
    for kind in ("rnn", "lstm"):
        kind_worst = {}
        for case in range(args.cases):
            N, T, D, H = 1 + case % 3, (1, 3, 7, 12)[case % 4], 1 + case % 4, 2 + case % 5
            sequences = case % 2 == 0
            for k, d in run_case(args.rnn_io, kind, N, T, D, H, sequences, gen).items():
                kind_worst[k] = max(kind_worst.get(k, 0.0), d)
        print(f"{kind:4s} vs torch.nn.{'LSTM' if kind == 'lstm' else 'RNN'} ({args.cases} cases): "
              + ", ".join(f"{k} {v:.1e}" for k, v in kind_worst.items()))
        worst = max(worst, max(kind_worst.values()))
    print(f"largest difference {worst:.1e} (tolerance {args.tolerance:.0e})")
    return 0 if worst <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
