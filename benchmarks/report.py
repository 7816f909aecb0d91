"""The benchmark's tables (printed) and results (JSON), each figure beside its target."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

P95_TARGET = 4.0  # a page's p95 within 4x the baseline's p95
P50_GROWTH_TARGET = 1.5  # 100-fold (or 10-fold) data raises no page's p50 by more than 50%


def _number(value, pattern: str = "{:,.0f}") -> str:
    return "-" if value is None else pattern.format(value)


def _queries(result: dict) -> str:
    counts = result.get("queries") or []
    return "-" if not counts else "/".join(str(c) for c in counts)


def _table(headings: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headings, *rows, strict=True)]
    line = "  ".join(("{:<%d}" if i == 0 else "{:>%d}") % w for i, w in enumerate(widths))
    out = [line.format(*headings), "  ".join("-" * w for w in widths)]
    out += [line.format(*row) for row in rows]
    return "\n".join(out)


def summarise(samples: list) -> dict:
    """One page's samples, (start, milliseconds, status, SQL statements), as the table's figures."""
    if not samples:
        return {"requests": 0, "error": "no page responses were recorded"}
    times = sorted(sample[1] for sample in samples)
    ends = [sample[0] for sample in samples]
    window = max(ends) - min(ends) + times[0] / 1000
    counts = sorted({sample[3] for sample in samples if sample[3] is not None})
    return {
        "requests": len(samples),
        "failures": sum(1 for sample in samples if sample[2] != 200),
        "rps": len(samples) / window if window > 0 else None,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "mean_ms": statistics.fmean(times),
        "queries": counts,
    }


def percentile(ordered: list[float], percent: float) -> float:
    """The ``percent`` percentile of sorted values, interpolated between the two nearest ranks."""
    rank = (len(ordered) - 1) * percent / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def with_ratios(pages: list[dict]) -> list[dict]:
    """Add each page's p95 ÷ baseline p95 and its verdict."""
    baseline = next((p for p in pages if p["key"] == "baseline"), None)
    base = baseline.get("p95_ms") if baseline else None
    for page in pages:
        if page["key"] == "baseline" or not base or page.get("p95_ms") is None:
            page["p95_ratio"], page["p95_verdict"] = None, "-" if page["key"] == "baseline" else "ERROR"
            continue
        page["p95_ratio"] = page["p95_ms"] / base
        page["p95_verdict"] = "PASS" if page["p95_ratio"] <= P95_TARGET else "MISS"
    return pages


def page_table(pages: list[dict]) -> str:
    headings = ["Page", "req/s", "p50 ms", "p95 ms", "p95/base", "<=4x", "SQL/req", "peak MB/worker", "n"]
    rows = []
    for page in pages:
        peaks = page.get("peak_mb") or []
        rows.append([
            page["title"], _number(page.get("rps"), "{:,.1f}"), _number(page.get("p50_ms")),
            _number(page.get("p95_ms")), _number(page.get("p95_ratio"), "{:.1f}x"), page.get("p95_verdict", "-"),
            _queries(page), "/".join(f"{mb:.0f}" for mb in peaks) or "-",
            str(page.get("requests", 0)) + ("" if "error" not in page else " !"),
        ])
    notes = [f"  ! {p['title']}: {p['error']}" for p in pages if "error" in p]
    return _table(headings, rows) + ("\n" + "\n".join(notes) if notes else "")


def growth(small: list[dict], large: list[dict]) -> list[dict]:
    """Per page: p50 large ÷ p50 small (target <= 1.5) and whether the SQL count stayed the same.
    A page measured at the large scale only (``compared`` false) gets a row of "-"."""
    by_key = {page["key"]: page for page in small}
    rows = []
    for page in large:
        other = by_key.get(page["key"])
        if other is None or not page.get("compared", True):
            rows.append({"key": page["key"], "title": page["title"], "compared": False,
                         "p50_small_ms": None, "p50_large_ms": page.get("p50_ms"), "p50_ratio": None,
                         "p50_verdict": "-", "queries_small": None, "queries_large": page.get("queries"),
                         "queries_verdict": "-"})
            continue
        ratio = None
        if page.get("p50_ms") and other.get("p50_ms"):
            ratio = page["p50_ms"] / other["p50_ms"]
        same = bool(page.get("queries")) and page.get("queries") == other.get("queries")
        rows.append({
            "key": page["key"], "title": page["title"], "compared": True, "p50_small_ms": other.get("p50_ms"),
            "p50_large_ms": page.get("p50_ms"), "p50_ratio": ratio,
            "p50_verdict": ("-" if page["key"] == "baseline" else "ERROR" if ratio is None
                            else "PASS" if ratio <= P50_GROWTH_TARGET else "MISS"),
            "queries_small": other.get("queries"), "queries_large": page.get("queries"),
            "queries_verdict": "PASS" if same else "MISS",
        })
    return rows


ONLY_LARGE = "*"  # marks a page measured at the large scale only


def growth_steps(pages_by_scale: dict[float, list[dict]]) -> list[dict]:
    """``growth`` for each step from one scale to the next larger one (0.01 -> 1, and 1 -> 10 when the
    200,000-application data set is run too): ``{"from", "to", "rows"}``, smallest step first."""
    scales = sorted(pages_by_scale)
    return [{"from": small, "to": large, "rows": growth(pages_by_scale[small], pages_by_scale[large])}
            for small, large in zip(scales, scales[1:], strict=False)]


def _as_steps(growth_rows: list[dict] | None, small_scale: float = 0.0, large_scale: float = 1.0) -> list[dict]:
    """The steps of ``growth_steps``, given either those or one step's rows (two scales)."""
    if not growth_rows:
        return []
    if "rows" in growth_rows[0]:
        return growth_rows
    return [{"from": small_scale, "to": large_scale, "rows": growth_rows}]


def _step_name(step: dict) -> str:
    return f"{step['from']:g}->{step['to']:g}"


def growth_table(steps: list[dict], small_scale: float | None = None, large_scale: float | None = None) -> str:
    """One row per page: its p50 and SQL statements per request at every scale, and each step's p50
    ratio with its verdict (target <= 1.5). ``steps`` as ``growth_steps`` makes them, or one step's
    rows with its two scales (``small_scale``, ``large_scale``)."""
    if small_scale is not None and large_scale is not None:
        steps = _as_steps(steps, small_scale, large_scale)
    scales = [steps[0]["from"], *(step["to"] for step in steps)] if steps else []
    headings = ["Page", *(f"p50 ms @{scale:g}" for scale in scales)]
    for step in steps:
        headings += [f"ratio {_step_name(step)}", f"<={P50_GROWTH_TARGET:g}"]
    headings += [*(f"SQL @{scale:g}" for scale in scales), "same SQL"]
    by_step = [{row["key"]: row for row in step["rows"]} for step in steps]
    body = []
    only_large = False
    for last in steps[-1]["rows"] if steps else []:
        rows = [found.get(last["key"]) for found in by_step]
        first = next(row for row in rows if row is not None)
        compared = all(row is not None and row.get("compared", True) for row in rows)
        only_large = only_large or not compared
        p50s = [first["p50_small_ms"], *(row["p50_large_ms"] if row else None for row in rows)]
        queries = [first["queries_small"], *(row["queries_large"] if row else None for row in rows)]
        cells = [last["title"] + ("" if compared else " " + ONLY_LARGE), *(_number(p50) for p50 in p50s)]
        for row in rows:
            cells += [_number(row["p50_ratio"], "{:.2f}"), row["p50_verdict"]] if row else ["-", "-"]
        cells += [*(_queries({"queries": q}) for q in queries), _combined([row["queries_verdict"] if row else "-"
                                                                          for row in rows])]
        body.append(cells)
    table = _table(headings, body)
    if only_large:
        table += (f"\n  {ONLY_LARGE} not at every scale or not comparable (the issue's large round; the small data "
                  "set's round of that kind is too small to compare): no growth verdict, p95 target only")
    return table


def _combined(verdicts: list[str]) -> str:
    """One verdict for several steps: ERROR or MISS if any step has it, PASS if any passed, else "-"."""
    for worst in ("ERROR", "MISS", "PASS"):
        if worst in verdicts:
            return worst
    return "-"


def targets(large: list[dict], growth_rows: list[dict] | None, inprocess: list[dict] | None) -> dict:
    """Every target's verdict per page (p95 within 4x the baseline at the largest scale; the same SQL
    statements per request at every scale; p50 growth <= 1.5 at each step) and the in-process targets,
    with the counts of PASS and MISS (an ERROR counts as a miss; "-" is no target).

    ``growth_rows`` is ``growth_steps``'s list of steps, or one step's rows. Each page's
    ``p50_growth`` is the first step's verdict and ``p50_growth_steps`` every step's, each counted."""
    steps = _as_steps(growth_rows)
    by_step = [{row["key"]: row for row in step["rows"]} for step in steps]
    pages = []
    for page in large:
        if page["key"] == "baseline":
            continue
        rows = [found.get(page["key"], {}) for found in by_step]
        growth_verdicts = [row.get("p50_verdict", "-") for row in rows]
        pages.append({"key": page["key"], "title": page["title"], "p95": page.get("p95_verdict", "ERROR"),
                      "same_sql": _combined([row.get("queries_verdict", "-") for row in rows]),
                      "p50_growth": growth_verdicts[0] if growth_verdicts else "-",
                      "p50_growth_steps": growth_verdicts})
    names = [_step_name(step) for step in steps]
    missed_list, met, missed = [], 0, 0
    for page in pages:
        verdicts = [("p95", page["p95"]), ("same_sql", page["same_sql"])]
        verdicts += [("p50_growth" + ("" if len(names) < 2 else " " + name), verdict)
                     for name, verdict in zip(names, page["p50_growth_steps"], strict=True)]
        if not names:
            verdicts.append(("p50_growth", "-"))
        met += sum(verdict == "PASS" for _, verdict in verdicts)
        missed += sum(verdict in ("MISS", "ERROR") for _, verdict in verdicts)
        missed_list += [f"{page['key']}:{name}" for name, verdict in verdicts if verdict in ("MISS", "ERROR")]
    for row in inprocess or []:
        met += row["verdict"] == "PASS"
        missed += row["verdict"] in ("MISS", "ERROR")
        if row["verdict"] in ("MISS", "ERROR"):
            missed_list.append(row["title"])
    return {"pages": pages, "met": met, "missed": missed, "missed_list": missed_list, "steps": names}


def targets_table(summary: dict, large_scale: float) -> str:
    names = summary.get("steps") or []
    growth_headings = [f"p50 growth<={P50_GROWTH_TARGET:g}" + ("" if len(names) < 2 else " " + name)
                       for name in names] or [f"p50 growth<={P50_GROWTH_TARGET:g}"]
    headings = ["Page", f"p95<=4x base @{large_scale:g}", "same SQL", *growth_headings]
    body = [[page["key"], page["p95"], page["same_sql"],
             *(page.get("p50_growth_steps") or [page["p50_growth"]] * len(growth_headings))]
            for page in summary["pages"]]
    return _table(headings, body)


def summary_line(summary: dict) -> str:
    line = f"Targets: {summary['met']} met, {summary['missed']} missed"
    if summary["missed_list"]:
        line += " (" + "; ".join(summary["missed_list"]) + ")"
    return line


def inprocess_table(rows: list[dict]) -> str:
    headings = ["In process", "seconds", "peak MB (tracemalloc)", "target", "verdict"]
    body = [[r["title"], _number(r.get("seconds"), "{:.2f}"), _number(r.get("peak_mb"), "{:.1f}"), r["target"],
             r["verdict"]] for r in rows]
    notes = [f"  ! {r['title']}: {r['error']}" for r in rows if "error" in r]
    return _table(headings, body) + ("\n" + "\n".join(notes) if notes else "")


def write_json(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str))
