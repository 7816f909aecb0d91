"""axe-core in the page: run it, record what it found, fail on serious or critical violations."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# WCAG 2.2 AA (the accessibility regulations' standard) and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = {"critical", "serious"}


def known_exception(violation: dict) -> str | None:
    """Why a violation is accepted, or None. Each reason is given in the accessibility statement.

    GOV.UK Frontend's script sets aria-expanded on a radio that reveals a follow-up question.
    ARIA does not allow the attribute on a radio, so axe reports it as critical; the GOV.UK Design
    System keeps it on purpose, as screen readers announce it and research found no harm
    (alphagov/govuk-frontend issue 979, a known issue of the component).
    """
    if violation["id"] == "aria-allowed-attr" and violation["nodes"] and all(
        "govuk-radios__input" in node["html"] and node["values"]
        and all(value.startswith("aria-expanded=") for value in node["values"])
        for node in violation["nodes"]
    ):
        return "GOV.UK Frontend's conditional reveal sets aria-expanded on a radio (see the accessibility statement)"
    return None

RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  const ids = (list) => list.map((rule) => rule.id);
  return {
    version: axe.version,
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      nodes: v.nodes.map((n) => ({
        html: n.html.slice(0, 300),
        values: [...n.all, ...n.any, ...n.none].flatMap((c) => (c.data && c.data.values) || []),
      })),
    })),
    rules: [...ids(results.passes), ...ids(results.violations), ...ids(results.incomplete),
            ...ids(results.inapplicable)],
  };
}"""


@dataclass
class PageResult:
    url: str
    title: str
    rules: set[str]
    violations: list[dict]
    width: int = 0  # of the window (see ``page_key``)

    def by_impact(self) -> Counter:
        return Counter(v["impact"] or "minor" for v in self.violations if not v["known"])

    def known(self) -> list[dict]:
        return [v for v in self.violations if v["known"]]


@dataclass
class AxeReport:
    """Every distinct page checked in the run (see ``page_key``)."""

    pages: list[PageResult] = field(default_factory=list)
    checked: set[tuple[str, str, int]] = field(default_factory=set)
    version: str = ""

    def add(self, result: PageResult) -> None:
        self.pages.append(result)

    def for_controller(self) -> dict:
        """This worker's pages, in types that execnet carries (a parallel run: tests/browser/report.py)."""
        return {"version": self.version,
                "pages": [{"url": p.url, "title": p.title, "rules": sorted(p.rules), "violations": p.violations,
                           "width": p.width} for p in self.pages]}

    def add_from_worker(self, report: dict) -> None:
        """A worker's pages, but those another worker checked already (the same key: see ``page_key``)."""
        self.version = self.version or report["version"]
        for page in report["pages"]:
            key = page_key(page["url"], page["title"], page["width"])
            if key not in self.checked:
                self.checked.add(key)
                self.add(PageResult(page["url"], page["title"], set(page["rules"]), page["violations"], page["width"]))

    def rules(self) -> set[str]:
        return set().union(*(page.rules for page in self.pages))

    def violations_by_impact(self) -> Counter:
        total = Counter({impact: 0 for impact in IMPACTS})
        for page in self.pages:
            total.update(page.by_impact())
        return total

    def summary_lines(self) -> list[str]:
        impacts = self.violations_by_impact()
        lines = [
            f"axe-core {self.version}: {len(self.pages)} distinct pages checked, {len(self.rules())} rules run "
            f"(tags {', '.join(TAGS)})",
            "violations by impact: " + ", ".join(f"{impact} {impacts[impact]}" for impact in IMPACTS),
        ]
        for page in self.pages:
            for violation in page.violations:
                if not violation["known"]:
                    lines.append(f"  {violation['impact']}: {violation['id']} on {page.url} ({violation['help']})")
        known = Counter(v["known"] for page in self.pages for v in page.known())
        for reason, count in known.items():
            lines.append(f"known exceptions, not counted above: {reason}: {count} page(s)")
        return lines

    def as_json(self) -> dict:
        return {
            "axe_version": self.version,
            "tags": TAGS,
            "rules_run": sorted(self.rules()),
            "violations_by_impact": dict(self.violations_by_impact()),
            "pages": [{"url": p.url, "title": p.title, "rules_run": len(p.rules), "violations": p.violations}
                      for p in self.pages],
        }


def page_key(url: str, title: str, width: int) -> tuple[str, str, int]:
    """What makes a page distinct: its route (ids and dates stripped), its title (an error state
    changes it) and the window's width (a phone lays the page out differently)."""
    path = re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(url).path)
    return path, title, width


class AxeRunner:
    def __init__(self, script: str, report: AxeReport, test: str):
        self.script = script
        self.report = report
        self.test = test

    def check(self, page) -> PageResult | None:
        """Run axe on the page as it is now, unless a page like it (same route, title and width) has
        been checked in this run; fail the test on a serious or critical violation."""
        width = page.viewport_size["width"] if page.viewport_size else 0
        key = page_key(page.url, page.title(), width)
        if key in self.report.checked:
            return None
        self.report.checked.add(key)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated over the DevTools protocol, as the page's Content-Security-Policy rightly
            # blocks an injected inline <script>.
            page.evaluate("() => {\n" + self.script + "\n}")
        found = page.evaluate(RUN, TAGS)
        for violation in found["violations"]:
            violation["known"] = known_exception(violation)
            del violation["nodes"]
        result = PageResult(page.url, page.title(), set(found["rules"]), found["violations"], width)
        self.report.version = found["version"]
        self.report.add(result)
        failing = [v for v in result.violations if v["impact"] in FAILING and not v["known"]]
        assert not failing, f"axe found serious or critical violations on {result.url} ({result.title}):\n" + "\n".join(
            f"  {v['impact']}: {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in failing
        )
        return result
