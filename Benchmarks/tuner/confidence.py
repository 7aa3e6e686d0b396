#!/usr/bin/env python3
"""Does the accuracy promise hold on unseen data? `compress --target-acc-loss` with and without
`--confidence 0.95` over models, targets and seeds (the seed also draws the held-out half of
validation); the test split, never seen by the tuner, says whether the drop stayed within the
target. Writes Benchmarks/tuner/confidence.md and confidence.json (after every run, so a stopped
run keeps what it measured). Usage, from anywhere after `make build`:

    python3 Benchmarks/tuner/confidence.py [--quick]

The zoo models need Benchmarks/zoo/data/*.npz (Benchmarks/zoo/setup.sh writes them).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (model, weights, architecture or None, data, targets, seeds)
RUNS = [
    ("lenet-300-100", "Data/models/lenet-300-100.safetensors", "Configs/models/lenet-300-100.json", "Data/mnist", [0.25, 0.5, 1.0, 2.0], [0, 1, 2]),
    ("lenet5", "Data/models/lenet5.safetensors", "Configs/models/lenet5.json", "Data/mnist", [0.5, 1.0], [0, 1]),
    ("vgg-mnist", "Data/models/vgg-mnist.safetensors", "Configs/models/vgg-mnist.json", "Data/mnist", [0.5], [0]),
    ("resnet-mnist", "Data/models/zoo/resnet-mnist.onnx", None, "Benchmarks/zoo/data/mnist.npz", [0.5], [0]),
    ("mobilenet-mnist", "Data/models/zoo/mobilenet-mnist.onnx", None, "Benchmarks/zoo/data/mnist.npz", [0.5], [0]),
    ("resnet-digits", "Data/models/zoo/resnet-digits.onnx", None, "Benchmarks/zoo/data/digits.npz", [1.0, 2.0], [0]),
    ("mobilenet-digits", "Data/models/zoo/mobilenet-digits.onnx", None, "Benchmarks/zoo/data/digits.npz", [1.0, 2.0], [0]),
    ("vit-digits", "Data/models/zoo/vit-digits.onnx", None, "Benchmarks/zoo/data/digits.npz", [1.0, 2.0], [0]),
]


def tune(binary, tuner, weights, architecture, data, target, seed, confidence, folder):
    output = os.path.join(folder, "tuned.sznn")
    command = [binary, "compress", os.path.join(ROOT, weights), "--data", os.path.join(ROOT, data),
               "--target-acc-loss", str(target), "--tuner", tuner, "--seed", str(seed), "--confidence", str(confidence), "-o", output, "--json"]
    if architecture:
        command[3:3] = ["--model", os.path.join(ROOT, architecture)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["exit %d" % result.returncode])[-1]}
    report = json.loads(result.stdout)
    drop = lambda split: (report[split]["original"] - report[split]["compressed"]) * 100
    return {"ratio": report["ratio"], "validation_drop_pp": drop("validation"), "test_drop_pp": drop("test"),
            "evaluations": report["evaluations"], "seconds": report["seconds"], "confirmation": report.get("confirmation")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "sz-nn"))
    parser.add_argument("--quick", action="store_true", help="LeNet-300-100 only")
    parser.add_argument("--tuner", default="gradient", choices=["gradient", "fisher"])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for model, weights, architecture, data, targets, seeds in RUNS[:1] if args.quick else RUNS:
            if not os.path.exists(os.path.join(ROOT, data)):
                print(f"skipping {model}: no {data}", file=sys.stderr)
                continue
            for target in targets:
                for seed in seeds:
                    row = {"model": model, "target_pp": target, "seed": seed}
                    for label, confidence in [("searched", 0), ("confirmed", 0.95)]:
                        row[label] = tune(args.binary, args.tuner, weights, architecture, data, target, seed, confidence, folder)
                    print(model, target, seed, {k: row[k].get("ratio", row[k].get("error")) for k in ("searched", "confirmed")}, file=sys.stderr)
                    rows.append(row)
                    with open(os.path.join(HERE, "confidence.json"), "w") as handle:
                        json.dump(rows, handle, indent=1)
                    write_table(rows, args.tuner)


def write_table(rows, tuner):
    def held(run, target):
        return "error" not in run and run["test_drop_pp"] <= target + 1e-9

    def cell(run):
        if "error" in run:
            return f"refused: {run['error'][:60]}", "-", "-"
        return f"{run['ratio']:.2f}×", f"{run['validation_drop_pp']:.2f}", f"{run['test_drop_pp']:.2f}"

    lines = ["# The accuracy promise on unseen data", "",
             f"Written by `python3 Benchmarks/tuner/confidence.py --tuner {tuner}` (one run, side by side). Each row tunes the same model at",
             "the same target and seed twice: `--confidence 0` (the bounds that meet the target on all validation",
             "images searched on) and the default `--confidence 0.95` (searched on half of validation, accepted",
             "only where the one-sided 95 % upper bound of the drop on the other, held-out half is within the",
             "target). The test split is never seen by the tuner: *held* says whether its drop stayed within the",
             "target. Drops are top-1 percentage points; ratio = float32 bytes of the weights / the .sznn file.", "",
             "| model | target pp | seed | ratio, searched | val / test drop | held | ratio, confirmed | val / test drop | held | upper bound pp | bound scale |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    counts = {"searched": [0, 0], "confirmed": [0, 0]}
    for row in rows:
        cells = []
        for label in ("searched", "confirmed"):
            run = row[label]
            ratio, validation, test = cell(run)
            ok = held(run, row["target_pp"])
            if "error" not in run:
                counts[label][0] += ok
                counts[label][1] += 1
            cells += [ratio, f"{validation} / {test}", "yes" if ok else ("-" if "error" in run else "**no**")]
        confirmation = row["confirmed"].get("confirmation") or {}
        cells += [f"{confirmation['upper_bound_drop_pp']:.2f}" if confirmation else "-",
                  f"{confirmation['bound_scale']:.3f}" if confirmation else "-"]
        lines.append(f"| {row['model']} | {row['target_pp']} | {row['seed']} | " + " | ".join(cells) + " |")
    lines += [""] + [f"- {label}: the test drop stayed within the target in {held_count} of {total} runs"
                     + (f" ({held_count / total * 100:.0f} %)" if total else "") for label, (held_count, total) in counts.items()]
    refused = sum("error" in row["confirmed"] for row in rows)
    if refused:
        lines.append(f"- confirmed: {refused} run(s) refused (no setting could be confirmed on the held-out images): an error, never a broken promise")
    with open(os.path.join(HERE, "confidence.md"), "w") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
