#!/usr/bin/python3
"""Runs the capstone's per-layer profile several times per configuration and prints,
per layer, the median CPU time per batch (and the median wall time of a step).

    /usr/bin/python3 chapters/10_making_it_fast/measure_profile.py build/chapters/09_mnist_cnn/mnist_cnn
    /usr/bin/python3 chapters/10_making_it_fast/measure_profile.py AFTER --before BEFORE

Configurations: one thread (the kernels' own cost), and two threads with OpenMP's
default spinning (GOMP_SPINCOUNT=300000) and with the library's (10000), alternating.
With --before, two builds of the capstone instead: each with one thread and with two
(the library's spin), the four runs alternating, five rounds.
"""
import os
import statistics
import subprocess
import sys
import time

ARGS = ["--data", "fashion", "--epochs", "1", "--limit", "3200", "--profile"]
CONFIGS = [
    ("1 thread", {"OMP_NUM_THREADS": "1"}),
    ("2 threads, GOMP_SPINCOUNT=300000 (OpenMP's default)", {"OMP_NUM_THREADS": "2", "GOMP_SPINCOUNT": "300000"}),
    ("2 threads, GOMP_SPINCOUNT=10000 (the library's)", {"OMP_NUM_THREADS": "2", "GOMP_SPINCOUNT": "10000"}),
]
ROUNDS = 3


def profile(program, env):
    out = subprocess.run([program] + ARGS, env={**os.environ, **env}, capture_output=True,
                         text=True, check=True).stdout
    rows, inside = {}, False
    for line in out.splitlines():
        if line.startswith("Profile:"):
            inside = True
        elif inside and line.startswith("layer"):
            continue
        elif inside and line.startswith("("):
            inside = False
        elif inside:
            f = line.split()
            if f[0] == "step":  # step, wall, share, CPU
                rows["step"] = (float(f[1]), float(f[3]))
            else:  # name, forward, backward, share, CPU
                rows[f[0]] = (float(f[1]) + float(f[2]), float(f[4]))
    return rows


def main():
    program = sys.argv[1]
    configs, rounds = [(name, program, env) for name, env in CONFIGS], ROUNDS
    if len(sys.argv) == 4 and sys.argv[2] == "--before":
        before, rounds = sys.argv[3], 5
        configs = [(f"{label}, {threads}", build, {"OMP_NUM_THREADS": n, "GOMP_SPINCOUNT": "10000"})
                   for threads, n in [("1 thread", "1"), ("2 threads", "2")]
                   for label, build in [("before", before), ("after", program)]]
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"measured {time.strftime('%Y-%m-%d %H:%M %Z')}, load average {' '.join(load)} "
          f"on {os.cpu_count()} cores (a shared machine)")
    print(f"command: [env] {os.path.basename(program)} {' '.join(ARGS)}")
    print(f"median of {rounds} runs per configuration, the configurations alternating\n")
    runs = {name: [] for name, _, _ in configs}
    for _ in range(rounds):
        for name, build, env in configs:
            runs[name].append(profile(build, env))
    for name, _, _ in configs:
        rows = runs[name]
        print(f"{name}: ms per batch of 64")
        print(f"  {'layer':16} {'CPU':>9} {'wall':>9}")
        for layer in rows[0]:
            wall = statistics.median(r[layer][0] for r in rows)
            cpu = statistics.median(r[layer][1] for r in rows)
            print(f"  {layer:16} {cpu:9.3f} {wall:9.3f}")
        print()


if __name__ == "__main__":
    main()
