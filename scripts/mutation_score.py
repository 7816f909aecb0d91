"""The mutation score of the pure engines, from mutmut's results in mutants/ (`make mutation` runs it).

For each module of scoring/ and grants/modelling/ it counts the mutants mutmut made and how each
fared, then prints killed / (mutants - equivalent) and exits 1 under the minimum (95% by default).
A mutant that no test runs ("no tests") counts as survived.
Equivalent mutants (no test could tell them from the code: the behaviour is the same) are listed,
each with why, in tests/mutation_equivalents.md, as table rows starting "| `mutant name` |". A
listed mutant that a test kills counts as killed, and is reported so that the list can be mended.

    .venv/bin/python scripts/mutation_score.py [--only 'scoring.funding.*'] [--minimum 95] [--survivors]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.md"
PACKAGES = ("scoring", "grants/modelling")
NOT_MUTATED = {"scoring/bench.py"}  # a timing script (see [tool.mutmut] in pyproject.toml)

# mutmut's exit codes (mutmut.stats.status_by_exit_code), in the groups counted here.
KILLED = {1: "killed", 3: "killed"}
DETECTED = {36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "crashed",
            -9: "crashed", 37: "type check"}  # the mutant did not pass: counted as killed
SURVIVED = {0: "survived"}
NO_TESTS = {33: "no tests", 5: "no tests"}


def status(exit_code: int | None) -> str:
    if exit_code is None:
        return "not checked"
    for group in (KILLED, DETECTED, SURVIVED, NO_TESTS):
        if exit_code in group:
            return group[exit_code]
    return "suspicious"


def equivalents(path: Path = EQUIVALENTS) -> set[str]:
    """The mutant names listed in the first column of the equivalents file's tables."""
    if not path.exists():
        return set()
    return set(re.findall(r"^\|\s*`([\w.]+__mutmut_\d+)`\s*\|", path.read_text(), flags=re.MULTILINE))


def results(only: str | None) -> dict[str, dict[str, str]]:
    """module path -> {mutant name: status}, for every mutated module of the engines."""
    found = {}
    for package in PACKAGES:
        for module in sorted((ROOT / package).glob("*.py")):
            relative = module.relative_to(ROOT).as_posix()
            if relative in NOT_MUTATED:
                continue
            meta = MUTANTS / (relative + ".meta")
            if not meta.exists():
                continue
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            statuses = {name: status(code) for name, code in codes.items()
                        if only is None or fnmatch.fnmatch(name, only)}
            if statuses:
                found[relative] = statuses
    return found


@dataclass
class Tally:
    """The counts per module and in all, and the mutants worth naming."""

    rows: list[tuple[str, Counter[str]]] = field(default_factory=list)
    totals: Counter[str] = field(default_factory=Counter)
    survivors: list[str] = field(default_factory=list)
    listed_but_killed: list[str] = field(default_factory=list)
    unchecked: int = 0


def tally(by_module: dict[str, dict[str, str]], listed: set[str]) -> Tally:
    """Each module's mutants counted by how they fared, equivalents (``listed``) apart."""
    found = Tally()
    for module, statuses in by_module.items():
        count: Counter[str] = Counter()
        for name, state in statuses.items():
            count["mutants"] += 1
            if state == "not checked":
                found.unchecked += 1
                count["not checked"] += 1
            elif state in KILLED.values() or state in DETECTED.values():
                count["killed"] += 1
                count["timeout or crash"] += state != "killed"
                if name in listed:
                    found.listed_but_killed.append(name)
            elif name in listed:
                count["equivalent"] += 1
            else:
                count["survived"] += 1
                count["no tests"] += state == "no tests"
                found.survivors.append(f"{name} ({state})")
        found.totals.update(count)
        found.rows.append((module, count))
    return found


def score_of(count: Counter[str]) -> tuple[int, float]:
    """The mutants counted (neither equivalent nor unrun) and the percentage of them killed."""
    counted = count["mutants"] - count["equivalent"] - count["not checked"]
    return counted, 100 * count["killed"] / counted if counted else 100.0


def line(label: str, count: Counter[str]) -> str:
    _, score = score_of(count)
    return (f"{label:<46} {count['mutants']:>7} {count['killed']:>7} {count['survived']:>8} "
            f"{count['no tests']:>8} {count['equivalent']:>10} {count['not checked']:>7} {score:>7.1f}%")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="a pattern of mutant names, as given to mutmut run (default: all)")
    parser.add_argument("--minimum", type=float, default=95.0, help="the lowest passing score, percent")
    parser.add_argument("--survivors", action="store_true", help="list the mutants that survived")
    args = parser.parse_args(argv)

    by_module = results(args.only)
    if not by_module:
        print("No mutation results in mutants/: run `make mutation` first", file=sys.stderr)
        return 1
    found = tally(by_module, equivalents())
    totals = found.totals

    print(f"{'module':<46} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} {'equivalent':>10} "
          f"{'unrun':>7} {'score':>8}")
    for module, count in found.rows:
        print(line(module, count))
    print(line("all", totals))
    counted, score = score_of(totals)
    if totals["timeout or crash"]:
        print(f"({totals['timeout or crash']} of the killed timed out or crashed under their mutation)")
    if args.survivors and found.survivors:
        print("\nSurvived (see `.venv/bin/mutmut show NAME`):\n  " + "\n  ".join(sorted(found.survivors)))
    if found.listed_but_killed:
        print("\nListed as equivalent in tests/mutation_equivalents.md but killed (take them off the list):\n  "
              + "\n  ".join(sorted(found.listed_but_killed)))
    if found.unchecked:
        print(f"\n{found.unchecked} mutants were not run (an interrupted run?); the score leaves them out")
    print(f"\nMutation score: {totals['killed']} killed of {counted} non-equivalent mutants = {score:.1f}% "
          f"(minimum {args.minimum:g}%)")
    return 0 if score >= args.minimum and not found.unchecked else 1


if __name__ == "__main__":
    sys.exit(main())
