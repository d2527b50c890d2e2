"""Time the course: the test suite, each notebook in fast mode, and nbgrader per submission.

    python benchmarks/benchmark.py                   # everything, fast mode
    python benchmarks/benchmark.py --skip-suite      # without the (long) test-suite run
    python benchmarks/benchmark.py --full --set N_VALID_IMAGES=500
                                                     # notebooks in full mode, with their results
    python benchmarks/benchmark.py --class-size 40   # only: a class of Lab 1 graded by plain
                                                     # nbgrader and by `course grade --workers 2`
    python benchmarks/benchmark.py --corpus --only lab03   # only: the corpus of awkward, broken and hostile
                                                     # submissions (tests/corpus.py), graded by course grade
                                                     # and by plain nbgrader, per lab
    python benchmarks/benchmark.py --skip-suite --only 06 --only lab06
                                                     # only the notebooks and labs whose paths contain
                                                     # one of these words

Set COURSE_DATA_DIR (and COURSE_OFFLINE=1) as for the tests. Results are printed and saved
as JSON in benchmarks/results/. This is a measurement, not a test: nothing here fails on time.
"""
from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from course.execute import execute  # noqa: E402
from course.classgrade import Options, grade_class  # noqa: E402
from course.grading import autograde  # noqa: E402
from course.labs import find_labs  # noqa: E402
from course.submissions import make_submission, solution_answers  # noqa: E402
from classes import cycled_class, write_submitted  # noqa: E402
from expectations import EXPECTATIONS  # noqa: E402


ONLY: list[str] = []  # --only: words that the timed notebooks' paths and labs' names must contain one of


def selected(name: str) -> bool:
    return not ONLY or any(word in name for word in ONLY)


def notebooks() -> list[str]:
    return [p for p in EXPECTATIONS if (ROOT / p).is_file() and selected(p)]


def time_suite() -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT)
    seconds = time.perf_counter() - start
    print(f"test suite: {seconds:.0f} s wall (pytest exit code {done.returncode})\n")
    return seconds


def time_notebooks(overrides: dict, cell_timeout: int = 900) -> dict:
    results = {}
    for relpath in notebooks():
        probes = EXPECTATIONS[relpath]["probes"]
        values = {k: v for k, v in probes.items() if not k.startswith("check:")}
        run = execute(ROOT / relpath, overrides=overrides, probes=values, timeout=cell_timeout)
        results[relpath] = {"seconds": round(run.seconds, 1), **run.probes}
        shown = ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in run.probes.items())
        print(f"{relpath:45s} {run.seconds:6.1f} s   {shown}")
    return results


def time_grading(copies: int) -> dict:
    """nbgrader autograde seconds per submission: one nbgrader process, then one per CPU."""
    results = {}
    for lab in (lab for lab in find_labs(ROOT) if selected(lab.name)):
        submission = make_submission(lab, solution_answers(lab))
        for workers in sorted({1, os.cpu_count() or 1}):
            with tempfile.TemporaryDirectory() as tmp:
                run = autograde(lab, {f"student{i:02d}": submission for i in range(copies)}, Path(tmp), workers=workers)
            per = run.autograde_seconds / copies
            results[f"{lab.name}, {workers} process(es)"] = {
                "submissions": copies, "workers": workers, "generate_seconds": round(run.generate_seconds, 1),
                "autograde_seconds": round(run.autograde_seconds, 1), "seconds_per_submission": round(per, 2)}
            print(f"nbgrader autograde {lab.name}, {workers} process(es): {copies} submissions in {run.autograde_seconds:.1f} s "
                  f"= {per:.1f} s each (generate_assignment {run.generate_seconds:.1f} s)")
    return results


def time_class_grading(size: int, workers: int, lab_name: str = "lab01_mlp") -> dict:
    """One class of generated submissions: plain sequential `nbgrader autograde`, then `course grade --workers N`
    with warm kernels (forked from a sandboxed process that imported TensorFlow) and with cold ones."""
    lab = find_labs(ROOT, [lab_name])[0]
    submissions = cycled_class(lab, size)
    result = {"lab": lab.name, "submissions": size, "workers": workers}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain = autograde(lab, submissions, tmp / "plain", workers=1)
        theirs = {s: {k: (None if v is None else float(v)) for k, v in scores.items()} for s, scores in plain.scores.items()}
        per_plain = plain.autograde_seconds / size
        result["nbgrader"] = {"seconds": round(plain.autograde_seconds, 1), "seconds_per_submission": round(per_plain, 2)}
        print(f"{lab.name}, {size} submissions: plain nbgrader autograde, sequential: {plain.autograde_seconds:.0f} s = {per_plain:.1f} s each")
        folder = write_submitted(tmp / "submitted", lab, submissions)
        for kind, warm in (("warm", True), ("cold", False)):
            start = time.perf_counter()
            report = grade_class(lab, folder, tmp / kind, Options(workers=workers, warm=warm, progress=False))
            seconds = time.perf_counter() - start
            ours = {row["student"]: {k: (None if v == "" else float(v)) for k, v in row.items() if k.endswith(("_tests", "_answer"))}
                    for row in report["grades"]}
            differ = sorted(s for s in theirs if ours.get(s) != theirs[s])
            peaks = [e["peak_memory_bytes"] for e in report["state"].values() if e.get("peak_memory_bytes")]
            per = seconds / size
            result[f"course_grade_{kind}"] = {
                "seconds": round(seconds, 1), "seconds_per_submission": round(per, 2), "throughput_vs_nbgrader": round(per_plain / per, 2),
                "grades_differ_from_nbgrader": differ,
                "peak_memory_gib_mean": round(sum(peaks) / len(peaks) / 2**30, 2) if peaks else None,
                "peak_memory_gib_max": round(max(peaks) / 2**30, 2) if peaks else None}
            print(f"course grade --workers {workers}, {kind} kernels: {seconds:.0f} s = {per:.1f} s each (whole command: sandbox, repair, "
                  f"gradebook, feedback, summary); {per_plain / per:.2f}x nbgrader's throughput; grades "
                  f"{'identical to nbgrader' if not differ else f'DIFFER from nbgrader for {differ}'}; peak memory per kernel "
                  f"{result[f'course_grade_{kind}']['peak_memory_gib_mean']} GiB mean, {result[f'course_grade_{kind}']['peak_memory_gib_max']} GiB max")
    return result


def grade_corpus() -> dict:
    """Every variant of the corpus of each lab: `course grade` (one class) against plain nbgrader (one batch each)."""
    from corpus import CELL_TIMEOUT, GROUPS, compare, corpus, course_grades, leaked as leaked_in, plain_nbgrader, table, write_downloads

    results = {}
    for lab in (lab for lab in find_labs(ROOT) if selected(lab.name)):
        variants = corpus(lab)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            folder = write_downloads(tmp / "downloads", variants)
            start = time.perf_counter()
            report = grade_class(lab, folder, tmp / "course", Options(workers=2, cell_timeout=CELL_TIMEOUT, progress=False))
            ours_seconds = time.perf_counter() - start
            grades, notes = course_grades(report, variants)
            ours = compare(variants, grades, notes)
            leaked = {p.parent.parent.name for p in (tmp / "course" / "autograded").glob(f"*/{lab.name}/*.ipynb") if leaked_in(p)}
            start = time.perf_counter()
            plain = plain_nbgrader(lab, variants, tmp / "plain")
            plain_seconds = time.perf_counter() - start
        ours_wrong = {m.variant.student for m in ours} | leaked
        plain_wrong = {v.student for v in variants if plain[v.student].leaked or plain[v.student].bystander_harmed
                       or any((plain[v.student].grades.get(t) or 0.0) != points for t, points in v.expected.items())}
        rows = []
        for group in GROUPS:
            members = [v for v in variants if v.group == group]
            rows.append({"group": group, "variants": len(members),
                         "course_grade_right": sum(v.student not in ours_wrong for v in members),
                         "nbgrader_right": sum(v.student not in plain_wrong for v in members),
                         "nbgrader_batch_aborted": [v.kind for v in members if plain[v.student].aborted]})
        print(f"\n{lab.name}: {len(variants)} variants; course grade {ours_seconds:.0f} s (one class, 2 workers), "
              f"plain nbgrader {plain_seconds:.0f} s (one batch per variant)")
        print(f"{'group':<10} {'variants':>8} {'course grade right':>19} {'nbgrader right':>15}  nbgrader's batch aborted by")
        for row in rows:
            print(f"{row['group']:<10} {row['variants']:>8} {row['course_grade_right']:>19} {row['nbgrader_right']:>15}  "
                  f"{'; '.join(row['nbgrader_batch_aborted']) or '-'}")
        if ours:
            print("course grade's mismatches:\n" + table(ours))
        if leaked:
            print(f"attacks that worked under course grade: {sorted(leaked)}")
        print("plain nbgrader got wrong: " + "; ".join(v.kind for v in variants if v.student in plain_wrong))
        results[lab.name] = {"groups": rows, "course_grade_seconds": round(ours_seconds, 1), "nbgrader_seconds": round(plain_seconds, 1),
                             "course_grade_mismatches": [(m.variant.kind, m.task, m.expected, m.got, m.why) for m in ours],
                             "nbgrader_wrong": [v.kind for v in variants if v.student in plain_wrong]}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-suite", action="store_true", help="do not time the test suite")
    parser.add_argument("--submissions", type=int, default=8, help="copies of each lab to autograde (default 8)")
    parser.add_argument("--full", action="store_true", help="run the notebooks in full mode and report their results")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a parameters-cell value")
    parser.add_argument("--class-size", type=int, metavar="N",
                        help="only grade a generated class of N Lab 1 submissions: plain nbgrader, then course grade")
    parser.add_argument("--workers", type=int, default=2, help="course grade workers for --class-size (default 2)")
    parser.add_argument("--corpus", action="store_true",
                        help="only: grade each lab's corpus of awkward submissions with course grade and plain nbgrader")
    parser.add_argument("--only", action="append", default=[], metavar="WORD",
                        help="time only the notebooks and labs whose path or name contains WORD (repeatable)")
    args = parser.parse_args()
    ONLY.extend(args.only)
    overrides = {k: ast.literal_eval(v) for k, v in (item.split("=", 1) for item in args.set)}

    report = {"when": dt.datetime.now().isoformat(timespec="seconds"), "python": platform.python_version(),
              "cpus": os.cpu_count(), "data_dir": os.environ.get("COURSE_DATA_DIR")}
    if args.corpus:
        os.environ["COURSE_FAST"] = "1"
        report["corpus"] = grade_corpus()
    elif args.class_size:
        os.environ["COURSE_FAST"] = "1"
        report["class_grading"] = time_class_grading(args.class_size, args.workers)
    elif args.full:
        os.environ.pop("COURSE_FAST", None)
        print("Notebooks in full mode" + (f" with {overrides}" if overrides else "") + ":")
        report["full_mode"] = time_notebooks(overrides, cell_timeout=4 * 3600)  # a full-mode cell trains up to 10,000 epochs
    else:
        os.environ["COURSE_FAST"] = "1"
        if not args.skip_suite:
            report["suite_seconds"] = round(time_suite(), 1)
        print("Notebooks in fast mode:")
        report["fast_mode"] = time_notebooks(overrides)
        print()
        report["nbgrader"] = time_grading(args.submissions)

    out = ROOT / "benchmarks" / "results" / f"{dt.datetime.now():%Y%m%d-%H%M%S}{'-full' if args.full else '-class' if args.class_size else '-corpus' if args.corpus else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"\nsaved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
