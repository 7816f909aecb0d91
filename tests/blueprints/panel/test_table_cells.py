"""The panel's long tables have their rows written in Python (``table_cells``) for speed; each must
write exactly what the Jinja rows it replaced wrote, markup, spacing and escaping alike. The old
rows are kept here, verbatim, and both are rendered from the same values: every queue state, an
expression of interest, missing titles and amounts, flagged and unflagged bids, raw and
normalised scores, decided rounds with and without feedback links, and text that must be escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest

import scoring
from grants.blueprints.panel import table_cells
from grants.blueprints.panel.member_views import QUEUE_STATES
from grants.interfaces.panel import reports
from grants.interfaces.panel.queue import QueueBid, QueueItem
from grants.interfaces.panel.standing import BidStanding, PageBid
from grants.models.applications import ApplicationStage, ApplicationStatus
from grants.models.panel import SheetStatus
from scoring.ranking import money as pence_money

AWKWARD = "O'Brien & <Sons> \"Trust\""  # every character autoescape changes

# The rows as panel/member_queue.html wrote them, one url_for and tag macro a row.
OLD_QUEUE_ROWS = """{% from "macros/components.html" import tag %}
    {% for item in items %}
      {% set application = item.application %}
      {% set state = states[item.state] %}
      <tr class="govuk-table__row">
        <th scope="row" class="govuk-table__header opcc-nowrap">{{ application.reference }}{% if application.is_expression_of_interest %}<br><span class="opcc-source">Expression of interest</span>{% endif %}</th>
        <td class="govuk-table__cell">{{ application.organisation_name }}</td>
        <td class="govuk-table__cell">{{ application.project_title or '' }}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{{ application.amount_requested | money }}</td>
        <td class="govuk-table__cell">{{ tag(state.tag, state.colour) }}</td>
        <td class="govuk-table__cell">
          {% if state.endpoint %}<a class="govuk-link" href="{{ url_for(state.endpoint, bid_id=application.id) }}">{{ state.action }}<span class="govuk-visually-hidden"> {{ application.reference }}</span></a>{% endif %}
        </td>
      </tr>
    {% endfor %}
"""  # noqa: E501

# How panel/member_queue.html now makes each state's tag and link once.
NEW_QUEUE_SETUP = """{% from "macros/components.html" import tag %}
{% set state_tags = {} %}
{% set state_links = {} %}
{% for key, state in states.items() %}
  {% do state_tags.update({key: tag(state.tag, state.colour)}) %}
  {% if state.endpoint %}{% do state_links.update({key: url_for(state.endpoint, bid_id=0).split('/bids/0', 1)}) %}{% endif %}
{% endfor %}
{{ queue_rows(items, states, state_tags, state_links) }}
"""  # noqa: E501

# The rows as panel/officer_results.html wrote them, a score macro a cell.
OLD_RANKING_ROWS = """{% from "macros/components.html" import tag %}
{% from "panel/officer_macros.html" import score %}
  {% for bid in ranked %}
    {% set application = applications[bid.application_id] %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ bid.rank }}</td>
      <th scope="row" class="govuk-table__header opcc-nowrap"><a class="govuk-link" href="{{ bid_link[0] }}/bids/{{ application.id }}{{ bid_link[1] }}">{{ application.reference }}</a></th>
      <td class="govuk-table__cell">{{ application.organisation_name }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ application.amount_requested | money }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ score(bid.raw_score) }}</td>
      {% if standing.normalised %}<td class="govuk-table__cell govuk-table__cell--numeric">{{ score(bid.panel_score) }}</td>{% endif %}
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ score(bid.moderated_score) }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric"><strong>{{ score(bid.final_score) }}</strong></td>
      <td class="govuk-table__cell">
        {% if bid.flagged %}
          {{ tag('Flagged for moderation', 'govuk-tag--orange') }}
          <ul class="govuk-list govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">
            {% for flag in bid.disagreements %}<li>{{ reports.describe(flag, rubric) }}</li>{% endfor %}
          </ul>
        {% endif %}
      </td>
      <td class="govuk-table__cell">{{ reports.placed_by(bid.decided_by, tie_break_title) }}</td>
    </tr>
  {% endfor %}
"""  # noqa: E501

NEW_RANKING_ROWS = """{% from "macros/components.html" import tag %}
{% set flagged_tag = tag('Flagged for moderation', 'govuk-tag--orange') %}
{{ ranking_rows(ranked, applications, bid_link, standing.normalised, flagged_tag, rubric, tie_break_title) }}
"""

# The rows as panel/decision_recommendation.html wrote them.
OLD_RECOMMENDATION_ROWS = """{% from "macros/components.html" import tag %}
{% macro yes_no(value) %}{{ 'Yes' if value else 'No' }}{% endmacro %}
    {% for entry in entries %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell govuk-table__cell--numeric">{{ entry.rank or '–' }}</td>
        <td class="govuk-table__cell opcc-nowrap">{{ entry.reference }}</td>
        <td class="govuk-table__cell">{{ entry.organisation }}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{{ pence_money(entry.amount_pence) }}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{{ points(entry.score) if entry.score is not none else 'Not scored' }}</td>
        <td class="govuk-table__cell">{{ yes_no(entry.recommended) }}</td>
        <td class="govuk-table__cell">{{ yes_no(entry.funded_in_rank_order) }}</td>
        <td class="govuk-table__cell">{{ entry.explanation }}</td>
        {% if decision %}
          {% set bid = bids.get(entry.application_id) %}
          <td class="govuk-table__cell">
            {% if bid %}
              {{ tag(bid.status.label, bid.status.tag_colour) }}
              {% if can_write_feedback and bid.status.value in ('successful', 'unsuccessful') %}
                <br><a class="govuk-link" href="{{ url_for('panel.feedback', round_id=round_id, bid_id=bid.id) }}">{{ 'Update feedback' if bid.feedback_published_at else 'Write feedback' }}<span class="govuk-visually-hidden"> for {{ bid.reference }}</span></a>
              {% endif %}
            {% endif %}
          </td>
        {% endif %}
      </tr>
    {% endfor %}
"""  # noqa: E501

NEW_RECOMMENDATION_ROWS = """{% from "macros/components.html" import tag %}
    {% set status_tags = {} %}
    {% for bid in bids.values() if bid.status not in status_tags %}{% do status_tags.update({bid.status: tag(bid.status.label, bid.status.tag_colour)}) %}{% endfor %}
    {% if entries %}
{{ recommendation_rows(entries, decision, bids, status_tags, url_for('panel.feedback', round_id=round_id, bid_id=0).split('/bids/0', 1) if can_write_feedback else none) }}
    {% endif %}
"""  # noqa: E501


def _render(app, source: str, **values) -> str:
    # A line after the rows, as in the pages (a template's own last newline is dropped).
    with app.test_request_context("/panel"):
        return app.jinja_env.from_string(source + "</tbody>\n").render(**values)


def _queue_items() -> list[QueueItem]:
    def bid(number, **changes):
        values = {"id": 100 + number, "round_id": 7, "reference": f"CGS-2026-{number:04d}",
                  "stage": ApplicationStage.FULL, "project_title": f"Project {number}",
                  "amount_requested": Decimal("1234.50"),
                  "organisation_name": f"Bidder {number}"}
        return QueueBid(**{**values, **changes})

    return [
        QueueItem(bid(1), assigned=True, declared=False, conflicted=False, sheet_status=None),  # declare
        QueueItem(bid(2, project_title=None), assigned=True, declared=True, conflicted=False, sheet_status=None),
        QueueItem(bid(3, stage=ApplicationStage.EXPRESSION_OF_INTEREST, amount_requested=None),
                  assigned=True, declared=True, conflicted=False, sheet_status=SheetStatus.DRAFT),
        QueueItem(bid(4, organisation_name=AWKWARD, project_title=AWKWARD), assigned=True, declared=True,
                  conflicted=False, sheet_status=SheetStatus.SUBMITTED),
        QueueItem(bid(5), assigned=True, declared=True, conflicted=True, sheet_status=None),  # conflict
        QueueItem(bid(6), assigned=False, declared=False, conflicted=False, sheet_status=None),  # not assigned
    ]


def test_queue_rows_are_the_old_template_rows(app):
    items = _queue_items()
    assert {item.state for item in items} == set(QUEUE_STATES)  # every state, links and none
    old = _render(app, OLD_QUEUE_ROWS, items=items, states=QUEUE_STATES)
    new = _render(app, NEW_QUEUE_SETUP, items=items, states=QUEUE_STATES, queue_rows=table_cells.queue_rows)
    assert new == old
    assert "O&#39;Brien &amp; &lt;Sons&gt; &#34;Trust&#34;" in new


def _rubric() -> scoring.Rubric:
    return scoring.Rubric(name="Test", version=1, criteria=(
        scoring.Criterion(key="fit", title="Strategic fit", weight=Decimal("0.5"), descriptors={}, scale_min=0,
                          scale_max=4),
        scoring.Criterion(key="value", title=AWKWARD, weight=Decimal("0.5"), descriptors={}, scale_min=0, scale_max=4),
    ))


def _standings() -> tuple[list[BidStanding], dict[int, PageBid]]:
    def flag(criterion, measure="range"):
        return scoring.Disagreement(bid="1", criterion=criterion, measure=measure, spread=Decimal(2),
                                    threshold=Decimal(2), values={})

    bids = [
        BidStanding(application_id=1, reference="CGS-2026-0001", rank=1, decided_by=None, raw_score=Decimal("3.25"),
                    panel_score=Decimal("3.40"), moderated_score=None, sheets=3, disagreements=()),
        BidStanding(application_id=2, reference="CGS-2026-0002", rank=2, decided_by=scoring.RULES[0],
                    raw_score=Decimal("3.00"), panel_score=Decimal("2.95"), moderated_score=Decimal("3.50"), sheets=3,
                    disagreements=(flag("fit"), flag("value", "sd"))),
        BidStanding(application_id=3, reference="CGS-2026-0003", rank=3, decided_by=scoring.RULES[1],
                    raw_score=None, panel_score=None, moderated_score=Decimal("2.00"), sheets=0,
                    disagreements=(flag(scoring.TOTAL),)),
        BidStanding(application_id=4, reference="CGS-2026-0004", rank=4, decided_by=scoring.RULES[3],
                    raw_score=Decimal("1.10"), panel_score=Decimal("1.10"), moderated_score=None, sheets=2,
                    disagreements=()),
    ]
    applications = {
        1: PageBid(1, "CGS-2026-0001", Decimal("4000.00"), "Bidder 1"),
        2: PageBid(2, "CGS-2026-0002", None, AWKWARD),
        3: PageBid(3, "CGS-2026-0003", Decimal("0.99"), None),
        4: PageBid(4, "CGS-2026-0004", Decimal("25000"), "Bidder 4"),
    }
    return bids, applications


@pytest.mark.parametrize("normalised", [True, False])
def test_ranking_rows_are_the_old_template_rows(app, normalised):
    ranked, applications = _standings()
    values = {
        "ranked": ranked, "applications": applications, "standing": {"normalised": normalised},
        "bid_link": ["/panel/rounds/9", "?aggregation=mean&scores=normalised"],  # a link split where the id goes
        "rubric": _rubric(), "tie_break_title": "strategic fit", "reports": reports,
    }
    old = _render(app, OLD_RANKING_ROWS, **values)
    new = _render(app, NEW_RANKING_ROWS, ranking_rows=table_cells.ranking_rows, **values)
    assert new == old
    assert "Flagged for moderation" in new and "&amp;scores=normalised" in new


@dataclass
class _Bid:
    id: int
    reference: str
    status: ApplicationStatus
    feedback_published_at: datetime | None = None


def _entries() -> list[dict]:
    def entry(number, **changes):
        values = {"application_id": number, "rank": number, "reference": f"CGS-2026-{number:04d}",
                  "organisation": f"Bidder {number}", "amount_pence": 123456, "score": "3.5", "recommended": True,
                  "funded_in_rank_order": False, "explanation": "Within the budget"}
        return {**values, **changes}

    return [
        entry(1),
        entry(2, rank=None, score=None, recommended=False, explanation=AWKWARD, organisation=AWKWARD),
        entry(3, funded_in_rank_order=True, amount_pence=0),
        entry(4),
        entry(5, score="17500"),
    ]


@pytest.mark.parametrize("decided, can_write_feedback", [(False, True), (True, True), (True, False)])
def test_recommendation_rows_are_the_old_template_rows(app, decided, can_write_feedback):
    bids = {
        1: _Bid(1, "CGS-2026-0001", ApplicationStatus.SUCCESSFUL),
        2: _Bid(2, AWKWARD, ApplicationStatus.UNSUCCESSFUL, feedback_published_at=datetime(2026, 1, 1)),
        3: _Bid(3, "CGS-2026-0003", ApplicationStatus.UNDER_ASSESSMENT),
        5: _Bid(5, "CGS-2026-0005", ApplicationStatus.SUCCESSFUL, feedback_published_at=datetime(2026, 1, 1)),
    } if decided else {}  # bid 4 has none: its outcome cell is empty
    values = {"entries": _entries(), "decision": decided, "bids": bids, "can_write_feedback": can_write_feedback,
              "round_id": 9, "pence_money": pence_money, "points": table_cells.points}
    old = _render(app, OLD_RECOMMENDATION_ROWS, **values)
    new = _render(app, NEW_RECOMMENDATION_ROWS, recommendation_rows=table_cells.recommendation_rows, **values)
    assert new == old
    assert ("Write feedback" in new) is (decided and can_write_feedback)
    assert _render(app, NEW_RECOMMENDATION_ROWS, recommendation_rows=table_cells.recommendation_rows,
                   **{**values, "entries": []}) == "</tbody>"


def test_a_score_cell_is_the_macros(app):
    macro = app.jinja_env.from_string('{% from "panel/officer_macros.html" import score %}{{ score(value) }}')
    for value in (None, Decimal("3.5"), Decimal("0"), Decimal("12.25")):
        assert table_cells.score(value) == macro.render(value=value)
