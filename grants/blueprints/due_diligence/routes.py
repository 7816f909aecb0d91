"""Views of due diligence: a round's checklist (checklist.py), a bid's findings and register checks
(findings.py), the registers' files (registers.py)."""

from grants.blueprints.due_diligence import bp, checklist, findings, registers  # noqa: F401
