#!/usr/bin/python3
"""The capstone as the Keras example runs it: the official MNIST, 5 epochs, over several seeds.

Runs `mnist_cnn --data mnist --epochs 5 --seed S` for each seed (6,000 of the 60,000
training digits held out for validation, as `mnist_cnn` does by default; the 10,000
test digits touched once, after training), and writes, for the book:

    chapters/09_mnist_cnn/results/official_mnist_seed<S>.csv   each run's history
    chapters/09_mnist_cnn/results/official_mnist.txt           the command, the machine,
                                                               each run's test accuracy and
                                                               their mean and range

A run takes minutes, so the book does not repeat it at build time: it shows these
committed results, with the command that made them.

    /usr/bin/python3 chapters/09_mnist_cnn/official_mnist.py [--seeds 42,1,2] [--build build]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--seeds", default="42,1,2")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    p.add_argument("--parallel", action="store_true",
                   help="run the seeds side by side, one thread each (training is bit-identical "
                        "for any thread count, so the results are those of the sequential runs)")
    args = p.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    program = os.path.join(args.build, "chapters", "09_mnist_cnn", "mnist_cnn")
    if not os.path.exists(program):
        sys.exit(f"official_mnist.py: {program} not found; build first")
    os.makedirs(args.out, exist_ok=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    lines = []
    accuracies = []
    tmp = tempfile.mkdtemp(prefix="nn-official-")
    env = dict(os.environ, OMP_NUM_THREADS="1") if args.parallel else None
    commands = {}
    for seed in seeds:
        out = os.path.join(tmp, str(seed))
        os.makedirs(out)
        commands[seed] = [program, "--data", "mnist", "--epochs", str(args.epochs), "--seed", str(seed),
                          "--out", out, "--bench-json", os.path.join(out, "run.json")]
    running = []
    for seed, cmd in commands.items():
        print(" ".join(cmd), flush=True)
        log = open(os.path.join(tmp, f"{seed}.log"), "w")
        running.append((seed, subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)))
        if not args.parallel:
            running[-1][1].wait()
    for seed, proc in running:
        if proc.wait() != 0:
            sys.exit(f"official_mnist.py: the run with seed {seed} failed; see {tmp}/{seed}.log")
    for seed in seeds:
        out = os.path.join(tmp, str(seed))
        run = json.load(open(os.path.join(out, "run.json")))
        shutil.copyfile(os.path.join(out, "history.csv"), os.path.join(args.out, f"official_mnist_seed{seed}.csv"))
        accuracies.append(run["test_accuracy"])
        # No times here: these runs measure accuracy; ./nnbook bench measures speed, on a quiet machine.
        lines.append(f"  seed {seed:>2}: test accuracy {run['test_accuracy']:.4f}, test loss {run['test_loss']:.4f}")
    shutil.rmtree(tmp)
    mean = statistics.fmean(accuracies)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    report = [f"command: /usr/bin/python3 chapters/09_mnist_cnn/official_mnist.py --seeds {args.seeds}"
              f" --epochs {args.epochs}" + (" --parallel" if args.parallel else ""),
              f"  (each run: mnist_cnn --data mnist --epochs {args.epochs} --seed S)",
              f"date: {time.strftime('%Y-%m-%d')}, code at commit {commit}",
              f"machine: {cpu}, {os.cpu_count()} cores",
              "data: the official MNIST, 54,000 digits for training, 6,000 held out for validation, "
              "10,000 for the test",
              ""] + lines + [
              "",
              f"  test accuracy over {len(seeds)} seeds: mean {mean:.4f}, "
              f"range {min(accuracies):.4f} to {max(accuracies):.4f}"]
    with open(os.path.join(args.out, "official_mnist.txt"), "w") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
