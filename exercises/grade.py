#!/usr/bin/python3
"""Grades every exercise: `./nnbook grade [DIR]` runs this.

Writes DIR/results.json in the format of Gradescope's autograder (tests[] with name, score,
max_score, status, output; score; execution_time) and DIR/junit.xml (`ctest --output-junit`).
One point per exercise; each exercise's time is in its extra_data. The tests are the shipped
ones: each test file is checked against its hash in exercises/TESTS.sha256 first, and an edited
test file fails the grading (every score 0).
"""
import argparse
import hashlib
import json
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def exercises():
    """(id, chapter, file) for every nn_exercise(...) line of exercises/CMakeLists.txt."""
    text = (ROOT / "exercises/CMakeLists.txt").read_text()
    return re.findall(r"^nn_exercise\((ex\d+\.\d+) (\S+) ([^\s)]+)\)", text, re.M)


def edited_tests():
    """The shipped test files whose content differs from exercises/TESTS.sha256, and the
    chapters' test files that are not recorded there at all."""
    recorded = {}
    manifest = ROOT / "exercises/TESTS.sha256"
    for line in manifest.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        recorded[name] = digest
    edited = []
    for name, digest in recorded.items():
        path = ROOT / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            edited.append(name)
    unrecorded = [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob("exercises/*/test_*.cpp"))
                  if str(p.relative_to(ROOT)) not in recorded]
    return edited, unrecorded


def hint_levels(chapter, exercise_id):
    path = ROOT / "exercises" / chapter / "hints.txt"
    if not path.exists():
        return 0
    return len(re.findall(rf"^{re.escape(exercise_id)} [1-3]:", path.read_text(), re.M))


def title(chapter, file):
    first = (ROOT / "exercises" / chapter / file).read_text().splitlines()[0]
    return re.sub(r"^// Exercise [0-9.]+: ", "", first).rstrip(".")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", required=True, help="the configured build directory")
    parser.add_argument("--out", required=True, help="where results.json and junit.xml go")
    parser.add_argument("--jobs", default="2")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.time()
    listed = exercises()

    for exercise_id, chapter, _ in listed:
        if hint_levels(chapter, exercise_id) == 0:
            print(f"warning: {exercise_id} has no hints in exercises/{chapter}/hints.txt",
                  file=sys.stderr)

    edited, unrecorded = edited_tests()
    for name in unrecorded:
        print(f"warning: {name} is not recorded in exercises/TESTS.sha256 "
              "(run ./nnbook ship-stubs when shipping it)", file=sys.stderr)

    # Build every exercise's program, carrying on past a file that does not compile.
    targets = ["exercise_" + exercise_id.replace(".", "_") for exercise_id, _, _ in listed]
    subprocess.run(["cmake", "--build", args.build, "-j", args.jobs, "--target", *targets,
                    "--", "-k", "0"], cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    junit = out / "junit.xml"
    junit.unlink(missing_ok=True)
    subprocess.run(["ctest", "--test-dir", args.build, "-L", "learner", "-j", args.jobs,
                    "--output-junit", str(junit.resolve())], cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    cases = {}
    if junit.exists():
        for case in ET.parse(junit).getroot().iter("testcase"):
            name = case.get("name", "")
            output = "".join(node.text or "" for node in case.iter("system-out"))
            cases[name.split(":")[0]] = (case.get("status") == "run" and
                                         case.find("failure") is None, output,
                                         float(case.get("time", "0")))

    tests = []
    for exercise_id, chapter, file in listed:
        passed, output, seconds = cases.get(exercise_id, (False, "not run", 0.0))
        if edited:
            passed = False
            output = ("not graded: these test files differ from the shipped ones "
                      f"(exercises/TESTS.sha256): {', '.join(edited)}\n")
        # the output of a failing exercise: its failing checks, not doctest's banner
        lines = [line for line in output.splitlines()
                 if line.strip() and not line.startswith(("[doctest]", "===", "---", "CMake Error"))]
        tests.append({
            "name": f"{exercise_id}: {title(chapter, file)}",
            "number": exercise_id[2:],
            "score": 1.0 if passed else 0.0,
            "max_score": 1.0,
            "status": "passed" if passed else "failed",
            "output": "passed" if passed else "\n".join(lines[:40]),
            "extra_data": {"seconds": round(seconds, 3)},
        })
    score = sum(t["score"] for t in tests)
    results = {
        "score": score,
        "execution_time": int(round(time.time() - start)),
        "output": f"{int(score)} of {len(tests)} exercises done."
                  + (f" Edited test files: {', '.join(edited)}." if edited else ""),
        "visibility": "visible",
        "tests": tests,
    }
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"{int(score)} of {len(tests)} exercises done")
    print(f"wrote {out / 'results.json'} (Gradescope) and {junit} (JUnit)")
    if edited:
        print("the shipped test files were edited: " + ", ".join(edited), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
