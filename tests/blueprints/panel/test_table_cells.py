"""The panel's long tables have their rows written in Python (``table_cells``) for speed; each must
write exactly what the Jinja rows it replaced wrote, markup, spacing and escaping alike. The old
rows are kept here, verbatim, and both are rendered from the same values: every queue state, an
expression of interest, missing titles and amounts, flagged and unflagged bids, raw and
normalised scores, decided rounds with and without feedback links, and text that must be escaped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

import scoring
from grants import form_keys
from grants.blueprints.panel import table_cells
from grants.blueprints.panel.member_views import QUEUE_STATES
from grants.interfaces.panel import reports, score_sheets
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
  {% if state.endpoint %}{% do state_links.update({key: link_around_id(state.endpoint, 'bid_id')}) %}{% endif %}
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
      <th scope="row" class="govuk-table__header opcc-nowrap"><a class="govuk-link" href="{{ bid_link[0] }}{{ application.id }}{{ bid_link[1] }}">{{ application.reference }}</a></th>
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
{{ recommendation_rows(entries, decision, bids, status_tags, link_around_id('panel.feedback', 'bid_id', round_id=round_id) if can_write_feedback else none) }}
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
        "bid_link": ["/panel/rounds/9/bids/", "?aggregation=mean&scores=normalised"],  # the link either side of the id
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


GOVUK_TAG = '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}\n'

# The member rows as panel/officer_round.html wrote them, a tag and a post_button macro a row.
OLD_MEMBER_ROWS = GOVUK_TAG + """{% from "panel/officer_macros.html" import post_button %}
{% set late_ids = late | map(attribute='user.id') | list %}
  {% for row in overview.members %}
    {% set user = row.member.user %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ user.full_name }}{% if user.id in late_ids %} {{ govukTag({'text': 'Late', 'classes': 'govuk-tag--red'}) }}{% endif %}<br><span class="opcc-source">{{ user.email }}</span></th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.progress.assigned }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.progress.not_started }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.progress.drafts }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.progress.submitted }}</td>
      {% if can_manage %}
      <td class="govuk-table__cell">
        {% if row.progress.submitted %}
          Stays on the panel: has submitted scores
        {% else %}
          {{ post_button(url_for('panel.remove_member', round_id=funding_round.id, user_id=user.id), 'Remove', user.full_name ~ ' from the panel', link=true) }}
        {% endif %}
      </td>
      {% endif %}
    </tr>
  {% endfor %}
"""  # noqa: E501

# As panel/officer_round.html now writes them (the view gives late_ids).
NEW_MEMBER_ROWS = GOVUK_TAG + """{# The rows are written by table_cells.member_rows. #}
{{ member_rows(overview.members, late_ids, govukTag({'text': 'Late', 'classes': 'govuk-tag--red'}), link_around_id('panel.remove_member', 'user_id', round_id=funding_round.id) if can_manage else none, csrf_token()) }}
"""  # noqa: E501

# The bid rows as panel/officer_round.html wrote them, a url_for and a tag macro a row.
OLD_BID_ROWS = GOVUK_TAG + """{% set per_bid = funding_round.scorers_per_bid %}
  {% for row in overview.bids %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header opcc-nowrap"><a class="govuk-link" href="{{ url_for('panel.bid_scores', round_id=funding_round.id, bid_id=row.application.id) }}">{{ row.application.reference }}</a></th>
      <td class="govuk-table__cell">{{ row.application.organisation.name }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.progress.assigned }} of {{ per_bid }}{% if row.progress.assigned < per_bid %} {{ govukTag({'text': 'Short', 'classes': 'govuk-tag--orange'}) }}{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.progress.submitted }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.conflicts }}</td>
    </tr>
  {% endfor %}
"""  # noqa: E501

NEW_BID_ROWS = GOVUK_TAG + """{% set per_bid = funding_round.scorers_per_bid %}
{{ bid_rows(overview.bids, per_bid, govukTag({'text': 'Short', 'classes': 'govuk-tag--orange'}), link_around_id('panel.bid_scores', 'bid_id', round_id=funding_round.id)) }}
"""  # noqa: E501


@pytest.fixture
def numbered_form_keys(monkeypatch):
    """``restart()`` numbers the form keys drawn from 1 again, so that two renderings draw the same."""

    def restart():
        numbers = itertools.count(1)
        monkeypatch.setattr(form_keys, "new_key", lambda: f"key-{next(numbers)}")

    return restart


def _members() -> list[reports.MemberProgress]:
    def member(user_id, name, **progress):
        return reports.MemberProgress(
            reports.SeatedMember(user_id, name, f"member{user_id}@example.org"),
            score_sheets.Progress(**progress),
        )

    return [
        member(11, "Panel Member A", assigned=4, drafts=1, submitted=2),  # late, stays
        member(12, AWKWARD, assigned=3, drafts=1),  # late, can be removed: escaped in the button's words
        member(13, "Panel Member C"),  # nothing assigned
        reports.MemberProgress(reports.SeatedMember(14, "Panel Member D", AWKWARD), score_sheets.Progress(2, 0, 2)),
    ]


def _as_objects(members: list[reports.MemberProgress]) -> list[SimpleNamespace]:
    """The members as the old rows read them: a panel member with its user."""
    return [SimpleNamespace(member=SimpleNamespace(user=SimpleNamespace(
        id=row.member.user_id, full_name=row.member.full_name, email=row.member.email)), progress=row.progress)
        for row in members]


@pytest.mark.parametrize("can_manage", [True, False])
@pytest.mark.parametrize("late_ids", [{11, 12}, set()])
def test_member_rows_are_the_old_template_rows(app, numbered_form_keys, can_manage, late_ids):
    members = _members()
    late = [SimpleNamespace(user=SimpleNamespace(id=user_id)) for user_id in sorted(late_ids)]
    funding_round = SimpleNamespace(id=38)
    numbered_form_keys()
    old = _render(app, OLD_MEMBER_ROWS, overview={"members": _as_objects(members)}, late=late,
                  can_manage=can_manage, funding_round=funding_round)
    numbered_form_keys()
    new = _render(app, NEW_MEMBER_ROWS, overview={"members": members}, late_ids=late_ids, can_manage=can_manage,
                  funding_round=funding_round, member_rows=table_cells.member_rows)
    assert new == old
    assert ("/panel/rounds/38/members/12/remove" in new) is can_manage
    assert new.count("govuk-tag--red") == len(late_ids)
    assert "O&#39;Brien &amp; &lt;Sons&gt; &#34;Trust&#34;" in new
    if can_manage:
        assert 'name="form_key" value="key-1"' in new  # a key for the one form


@pytest.mark.parametrize("per_bid", [1, 3])
def test_bid_rows_are_the_old_template_rows(app, per_bid):
    def bid(number, organisation, **progress):
        return reports.BidProgress(reports.RoundBid(100 + number, f"CGS-2026-{number:04d}", organisation),
                                   score_sheets.Progress(**progress), conflicts=number % 2)

    bids = [
        bid(1, "Bidder 1", assigned=3, submitted=2),
        bid(2, AWKWARD, assigned=1, drafts=1),
        bid(3, None),  # no organisation: an empty cell
        reports.BidProgress(reports.RoundBid(104, AWKWARD, "Bidder 4"), score_sheets.Progress(2), conflicts=0),
    ]
    old_bids = [SimpleNamespace(
        application=SimpleNamespace(id=row.application.id, reference=row.application.reference,
                                    organisation=row.application.organisation_name and SimpleNamespace(
                                        name=row.application.organisation_name)),
        progress=row.progress, conflicts=row.conflicts) for row in bids]
    funding_round = SimpleNamespace(id=38, scorers_per_bid=per_bid)
    old = _render(app, OLD_BID_ROWS, overview={"bids": old_bids}, funding_round=funding_round)
    new = _render(app, NEW_BID_ROWS, overview={"bids": bids}, funding_round=funding_round,
                  bid_rows=table_cells.bid_rows)
    assert new == old
    assert new.count("govuk-tag--orange") == (3 if per_bid == 3 else 1)
    assert '<td class="govuk-table__cell"></td>' in new
