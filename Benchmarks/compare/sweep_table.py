#!/usr/bin/env python3
"""The whole sweep of `sz-nn compare` per model: every method's ratio at each target, with its
validation and test drop. Reads Benchmarks/compare/<model>.json (written by run.sh) and writes
Benchmarks/compare/sweep.md. Usage: python3 Benchmarks/compare/sweep_table.py"""
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    lines = ["# `sz-nn compare` over the whole sweep", "",
             "Written by `python3 Benchmarks/compare/sweep_table.py` from the reports of `bash Benchmarks/compare/run.sh`.",
             "Each cell: ratio, then validation / test top-1 drop in pp; the target binds on validation only",
             "(no `--confidence` here: every row is held to the same validation criterion). **Bold**: the best",
             "ratio that met the target; ✗: the method did not meet it.", ""]
    for path in sorted(glob.glob(os.path.join(HERE, "*.json"))):
        report = json.load(open(path))
        if "sweep" not in report or not report["sweep"]:
            continue
        targets = sorted({row["target_acc_loss"] for row in report["sweep"]})
        methods = list(dict.fromkeys(row["method"] for row in report["sweep"]))
        cells = {(row["method"], row["target_acc_loss"]): row for row in report["sweep"]}
        best = {t: max((r["ratio"] for (m, tt), r in cells.items() if tt == t and r["met_target"]), default=None) for t in targets}
        lines += [f"## {os.path.basename(path)[:-5]}", "", "| method | " + " | ".join(f"{t} pp" for t in targets) + " |",
                  "|---|" + "---|" * len(targets)]
        for method in methods:
            row = [method]
            for t in targets:
                r = cells.get((method, t))
                if r is None:
                    row.append("-")
                    continue
                ratio = f"{r['ratio']:.2f}×"
                if r["met_target"] and r["ratio"] == best[t]:
                    ratio = f"**{ratio}**"
                mark = "" if r["met_target"] else " ✗"
                row.append(f"{ratio}{mark} {r['validation_loss_pp']:.2f} / {r['test_loss_pp']:.2f}")
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    with open(os.path.join(HERE, "sweep.md"), "w") as handle:
        handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
