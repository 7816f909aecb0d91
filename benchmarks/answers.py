"""An application's answers for the benchmark, in the shape the application form saves them
(built with the demo data's own helper, so they pass the same checks as the demo's)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from grants.demo.rounds import DemoProject, _answers

STRANDS = {"prevention": "diversion", "people": "recovery", "place": "disruption", "partnership": "diversion"}
OUTCOMES = {"prevention": "reduce-drug-use", "people": "improve-recovery-outcomes",
            "place": "reduce-drug-related-crime", "partnership": "reduce-drug-supply"}


def application_sections(title: str, area: str, approaches: list[str], amount: Decimal, start: date,
                         contact: str) -> dict[str, dict]:
    """Section key -> answers for a complete application asking for ``amount``."""
    staff = (amount * Decimal("0.7")).quantize(Decimal("0.01"))
    project = DemoProject(
        organisation="", title=title, summary="Detached youth work and mentoring where it is needed most.",
        activities="Evening outreach, one-to-one mentoring and referrals to treatment.", area=area,
        approaches=tuple(approaches), strands=tuple(sorted({STRANDS[a] for a in approaches})),
        outcomes=tuple(sorted({OUTCOMES[a] for a in approaches})), people=60,
        lines=(("staff", "Project workers", str(staff)), ("travel", "Mileage and venues", str(amount - staff))),
        outcome="Fewer people drawn into drug-related harm", measure="Referrals and attendance each quarter",
    )
    sections = _answers(project, start, contact)
    sections["organisation"] = {}
    return sections
