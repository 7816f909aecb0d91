"""The benchmark's tables (printed) and results (JSON), each figure beside its target."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

P95_TARGET = 4.0  # a page's p95 within 4x the baseline's p95
P50_GROWTH_TARGET = 1.5  # 100-fold data raises no page's p50 by more than 50%


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


def growth_table(rows: list[dict], small_scale: float, large_scale: float) -> str:
    headings = ["Page", f"p50 ms @{small_scale:g}", f"p50 ms @{large_scale:g}", "ratio", "<=1.5",
                f"SQL @{small_scale:g}", f"SQL @{large_scale:g}", "same SQL"]
    body = [[r["title"] + ("" if r.get("compared", True) else " " + ONLY_LARGE), _number(r["p50_small_ms"]),
             _number(r["p50_large_ms"]), _number(r["p50_ratio"], "{:.2f}"), r["p50_verdict"],
             _queries({"queries": r["queries_small"]}), _queries({"queries": r["queries_large"]}),
             r["queries_verdict"]] for r in rows]
    table = _table(headings, body)
    if any(not r.get("compared", True) for r in rows):
        table += (f"\n  {ONLY_LARGE} at scale {large_scale:g} only (the issue's large round; the small data set's "
                  "round of that kind is too small to compare): no growth row, p95 target only")
    return table


def targets(large: list[dict], growth_rows: list[dict] | None, inprocess: list[dict] | None) -> dict:
    """Every target's verdict per page (p95 within 4x the baseline at the large scale; the same SQL
    statements per request at both scales; p50 growth <= 1.5) and the in-process targets, with the
    counts of PASS and MISS (an ERROR counts as a miss; "-" is no target)."""
    by_key = {row["key"]: row for row in growth_rows or []}
    pages = []
    for page in large:
        if page["key"] == "baseline":
            continue
        row = by_key.get(page["key"], {})
        pages.append({"key": page["key"], "title": page["title"], "p95": page.get("p95_verdict", "ERROR"),
                      "same_sql": row.get("queries_verdict", "-"), "p50_growth": row.get("p50_verdict", "-")})
    verdicts = [page[name] for page in pages for name in ("p95", "same_sql", "p50_growth")]
    verdicts += [row["verdict"] for row in inprocess or []]
    met = sum(v == "PASS" for v in verdicts)
    missed = sum(v in ("MISS", "ERROR") for v in verdicts)
    return {"pages": pages, "met": met, "missed": missed,
            "missed_list": [f"{page['key']}:{name}" for page in pages for name in ("p95", "same_sql", "p50_growth")
                            if page[name] in ("MISS", "ERROR")]
            + [row["title"] for row in inprocess or [] if row["verdict"] in ("MISS", "ERROR")]}


def targets_table(summary: dict, large_scale: float) -> str:
    headings = ["Page", f"p95<=4x base @{large_scale:g}", "same SQL", "p50 growth<=1.5"]
    body = [[page["key"], page["p95"], page["same_sql"], page["p50_growth"]] for page in summary["pages"]]
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
