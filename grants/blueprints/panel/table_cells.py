"""Table rows and cells written in Python for the panel's long tables. A Jinja template hands each
piece of a row up through every enclosing block (seven generators on these pages), so a 50-row
table of a dozen pieces a row cost more than the rest of the page; here a table's rows are one
piece. Each writes exactly what the template it replaced wrote (the same markup and spacing),
escaping every value as the template's autoescape did."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

import scoring
from grants.form_keys import key_input
from grants.formatting import money
from grants.interfaces.panel import reports
from grants.interfaces.panel.standing import BidStanding, PageBid
from grants.models.applications import Application
from scoring.ranking import money as pence_money

NO_SCORE = Markup('<span aria-hidden="true">–</span><span class="govuk-visually-hidden">none</span>')


def score(value: Decimal | None) -> Markup:
    """A score to two places (all scores here are whole hundredths, so nothing is rounded), or a
    dash for none, read out as "none": ``officer_macros.score``."""
    if value is None:
        return NO_SCORE
    return escape("%.2f" % value)  # noqa: UP031 - as the macro's format filter, which uses %


NUMERIC_CELL = '      <td class="govuk-table__cell govuk-table__cell--numeric">'
FLAG_LIST = '          <ul class="govuk-list govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">\n'


def ranking_rows(
    bids: Iterable[BidStanding],
    applications: Mapping[int, PageBid],
    bid_link: Sequence[str],
    normalised: bool,
    flagged_tag: Markup,
    rubric: scoring.Rubric,
    tie_break_title: str,
) -> Markup:
    """The results page's ranking rows (panel/officer_results.html), without the last newline.
    ``bid_link`` is a bid's link as the text either side of its id (grants.links.link_around_id);
    ``flagged_tag`` the tag macro's "Flagged for moderation", so that the tag's markup stays the macro's."""
    before, after = escape(bid_link[0]), escape(bid_link[1])
    rows = []
    for bid in bids:
        application = applications[bid.application_id]
        flags = ""
        if bid.flagged:
            described = "".join(f"<li>{escape(reports.describe(flag, rubric))}</li>" for flag in bid.disagreements)
            flags = f"          {flagged_tag}\n{FLAG_LIST}{described}          </ul>\n"
        normalised_cell = (f'<td class="govuk-table__cell govuk-table__cell--numeric">{score(bid.panel_score)}</td>'
                           if normalised else "")
        rows.append(
            '    <tr class="govuk-table__row">\n'
            f"{NUMERIC_CELL}{escape(bid.rank)}</td>\n"
            '      <th scope="row" class="govuk-table__header opcc-nowrap"><a class="govuk-link" '
            f'href="{before}{escape(application.id)}{after}">{escape(application.reference)}</a></th>\n'
            f'      <td class="govuk-table__cell">{escape(application.organisation_name)}</td>\n'
            f"{NUMERIC_CELL}{escape(money(application.amount_requested))}</td>\n"
            f"{NUMERIC_CELL}{score(bid.raw_score)}</td>\n"
            f"{normalised_cell}"
            f"{NUMERIC_CELL}{score(bid.moderated_score)}</td>\n"
            f"{NUMERIC_CELL}<strong>{score(bid.final_score)}</strong></td>\n"
            '      <td class="govuk-table__cell">\n'
            f"{flags}"
            "      </td>\n"
            f'      <td class="govuk-table__cell">{escape(reports.placed_by(bid.decided_by, tie_break_title))}</td>\n'
            "    </tr>"
        )
    return Markup("\n".join(rows))


def points(text: str | None) -> str:
    """A score or objective value kept as text, to 2 decimal places ("3.50", "17,500.00")."""
    return "" if text is None else f"{Decimal(text).quantize(Decimal('0.01')):,}"


def recommendation_rows(
    entries: Iterable[Mapping],
    decided: bool,
    bids: Mapping[int, Application],
    status_tags: Mapping[object, Markup],
    feedback_link: Sequence[str] | None,
) -> Markup:
    """The recommendation page's "every bid" rows (panel/decision_recommendation.html), without the
    last newline. An entry is a stored recommendation's decision (a dict). With ``decided``, each
    row's outcome: its bid's status tag (``status_tags``, the tag macro's, by status) and, when
    ``feedback_link`` is given (the text either side of a bid's id: grants.links.link_around_id), a
    feedback link for a bid that was successful or not."""
    cell = '        <td class="govuk-table__cell">'
    numeric = '        <td class="govuk-table__cell govuk-table__cell--numeric">'
    rows = []
    for entry in entries:
        score_text = points(entry["score"]) if entry.get("score") is not None else "Not scored"
        outcome = ""
        if decided:
            bid = bids.get(entry["application_id"])
            inside = ""
            if bid:
                inside = f"              {status_tags[bid.status]}\n"
                if feedback_link is not None and bid.status.value in ("successful", "unsuccessful"):
                    action = "Update feedback" if bid.feedback_published_at else "Write feedback"
                    href = f"{escape(feedback_link[0])}{escape(bid.id)}{escape(feedback_link[1])}"
                    inside += (f'                <br><a class="govuk-link" href="{href}">{action}'
                               f'<span class="govuk-visually-hidden"> for {escape(bid.reference)}</span></a>\n')
            outcome = f'          <td class="govuk-table__cell">\n{inside}          </td>\n'
        rows.append(
            '      <tr class="govuk-table__row">\n'
            f"{numeric}{escape(entry.get('rank') or '–')}</td>\n"
            f'        <td class="govuk-table__cell opcc-nowrap">{escape(entry.get("reference", ""))}</td>\n'
            f"{cell}{escape(entry.get('organisation', ''))}</td>\n"
            f"{numeric}{escape(pence_money(entry['amount_pence']))}</td>\n"
            f"{numeric}{escape(score_text)}</td>\n"
            f"{cell}{'Yes' if entry.get('recommended') else 'No'}</td>\n"
            f"{cell}{'Yes' if entry.get('funded_in_rank_order') else 'No'}</td>\n"
            f"{cell}{escape(entry.get('explanation', ''))}</td>\n"
            f"{outcome}"
            "      </tr>"
        )
    return Markup("\n".join(rows))


EOI_NOTE = Markup('<br><span class="opcc-source">Expression of interest</span>')


def queue_rows(items: Iterable, states: Mapping, state_tags: Mapping[str, Markup],
               state_links: Mapping[str, Sequence[str]]) -> Markup:
    """A member's queue rows for one round (panel/member_queue.html), without the last newline.
    ``items`` are ``queue.QueueItem``; ``states`` the views' QUEUE_STATES; ``state_tags`` each
    state's tag (the tag macro's) and ``state_links`` each linked state's link as the text either
    side of a bid's id (grants.links.link_around_id)."""
    rows = []
    for item in items:
        application = item.application
        state = item.state
        reference = escape(application.reference)
        link = state_links.get(state)
        action = ""
        if link:
            action = (f'<a class="govuk-link" href="{escape(link[0])}{escape(application.id)}{escape(link[1])}">'
                      f'{escape(states[state].action)}<span class="govuk-visually-hidden"> {reference}</span></a>')
        rows.append(
            '      <tr class="govuk-table__row">\n'
            '        <th scope="row" class="govuk-table__header opcc-nowrap">'
            f"{reference}{EOI_NOTE if application.is_expression_of_interest else ''}</th>\n"
            f'        <td class="govuk-table__cell">{escape(application.organisation_name)}</td>\n'
            f'        <td class="govuk-table__cell">{escape(application.project_title or "")}</td>\n'
            '        <td class="govuk-table__cell govuk-table__cell--numeric">'
            f"{escape(money(application.amount_requested))}</td>\n"
            f'        <td class="govuk-table__cell">{state_tags[state]}</td>\n'
            '        <td class="govuk-table__cell">\n'
            f"{action}        </td>\n"
            "      </tr>"
        )
    return Markup("\n".join(rows))


def member_rows(members: Iterable[reports.MemberProgress], late_ids: Container[int], late_tag: Markup,
                remove_link: Sequence[str] | None, csrf_token: str) -> Markup:
    """The round page's panel member rows (panel/officer_round.html), without the last newline.
    ``late_tag`` is the tag macro's "Late", beside a member in ``late_ids``; ``remove_link``, for an
    officer who can change the panel, the remove link as the text either side of a member's user id: a member
    with no submitted sheet gets ``officer_macros.post_button``'s link-styled form to it (with
    ``csrf_token`` and a form key of its own). Counts and ids are ints, written without escaping."""
    before, after = (escape(remove_link[0]), escape(remove_link[1])) if remove_link is not None else ("", "")
    token = escape(csrf_token)
    rows = []
    for row in members:
        member, progress = row.member, row.progress
        name = escape(member.full_name)
        late = f" {late_tag}" if member.user_id in late_ids else ""
        action = ""
        if remove_link is not None:
            if progress.submitted:
                inside = "          Stays on the panel: has submitted scores\n"
            else:
                inside = (
                    f'          <form method="post" action="{before}{member.user_id}{after}" novalidate>\n'
                    f'  <input type="hidden" name="csrf_token" value="{token}">{key_input()}\n'
                    '  <div class="govuk-body govuk-!-margin-bottom-0"><button type="submit" class="opcc-link-button">'
                    f'Remove<span class="govuk-visually-hidden"> {name} from the panel</span></button></div>\n'
                    "</form>\n\n"  # the macro's last line, then the line that called it
                )
            action = f'      <td class="govuk-table__cell">\n{inside}      </td>\n'
        rows.append(
            '    <tr class="govuk-table__row">\n'
            f'      <th scope="row" class="govuk-table__header">{name}{late}<br>'
            f'<span class="opcc-source">{escape(member.email)}</span></th>\n'
            f"{NUMERIC_CELL}{progress.assigned}</td>\n"
            f"{NUMERIC_CELL}{progress.not_started}</td>\n"
            f"{NUMERIC_CELL}{progress.drafts}</td>\n"
            f"{NUMERIC_CELL}{progress.submitted}</td>\n"
            f"{action}"
            "    </tr>"
        )
    return Markup("\n".join(rows))


def bid_rows(bids: Iterable[reports.BidProgress], per_bid: int, short_tag: Markup, bid_link: Sequence[str]) -> Markup:
    """The round page's bid rows (panel/officer_round.html), without the last newline. ``short_tag``
    is the tag macro's "Short", beside a bid with fewer than ``per_bid`` scorers assigned;
    ``bid_link`` a bid's scores link as the text either side of its id (grants.links.link_around_id).
    Counts and ids are ints, written without escaping."""
    before, after = escape(bid_link[0]), escape(bid_link[1])
    rows = []
    for row in bids:
        application, progress = row.application, row.progress
        short = f" {short_tag}" if progress.assigned < per_bid else ""
        rows.append(
            '    <tr class="govuk-table__row">\n'
            '      <th scope="row" class="govuk-table__header opcc-nowrap"><a class="govuk-link" '
            f'href="{before}{application.id}{after}">{escape(application.reference)}</a></th>\n'
            f'      <td class="govuk-table__cell">{escape(application.organisation_name or "")}</td>\n'
            f"{NUMERIC_CELL}{progress.assigned} of {per_bid}{short}</td>\n"
            f"{NUMERIC_CELL}{progress.submitted}</td>\n"
            f"{NUMERIC_CELL}{row.conflicts}</td>\n"
            "    </tr>"
        )
    return Markup("\n".join(rows))
