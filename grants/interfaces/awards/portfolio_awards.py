"""The portfolio's awards as objects, for the pages that list them one by one: the plan delivery
view (the awards serving each commitment of the plan) and the 360Giving open data.

Every function runs a fixed number of queries however many awards there are (the open data a few
queries a batch).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from grants.extensions import db
from grants.form_definitions import Role
from grants.interfaces.awards.portfolio import PortfolioFilter, filtered, paid
from grants.interfaces.awards.portfolio_shares import PENNY, ZERO
from grants.interfaces.paging import Page, paginate
from grants.models.answer_facts import (
    Place,
    Shown,
    application_forms,
    depends_on,
    is_shown,
    question_place,
    questions_of,
)
from grants.models.applications import Application, ApplicationSection
from grants.models.awards import COMMITTING, Award, AwardStatus, Instalment, InstalmentStatus
from grants.models.reference import PlanApproach, PlanCommitment
from grants.models.rounds import FundingRound


def _loaded(query, award_options: Sequence = (), application_options: Sequence = ()):
    """Load each award's round, organisation, application (not its sections) and instalments."""
    return query.options(
        joinedload(Award.funding_round).lazyload("*"),  # a round's own lists are not needed here
        joinedload(Award.organisation),
        joinedload(Award.application).options(lazyload(Application.sections), *application_options),
        selectinload(Award.instalments),
        *award_options,
    )


def portfolio_awards(criteria: PortfolioFilter, award_options: Sequence = (),
                     application_options: Sequence = ()) -> list[Award]:
    """The awards holding money that the filter picks, with their round, application and organisation."""
    query = select(Award).where(Award.status.in_(sorted(COMMITTING))).order_by(Award.start_date, Award.id)
    return list(db.session.scalars(_loaded(filtered(query, criteria), award_options, application_options)).unique())


def role_answers(awards: Sequence[Award], roles: Sequence[Role]) -> dict[int, dict[Role, Any]]:
    """The answers the awards' applications give to the questions their forms read as ``roles``, as
    kept (the text typed: a list of one value, say), by application id and role; a role the form has
    not, a section never saved, or a question its show_if hides (an earlier answer kept from before
    it was changed), is left out. Three queries however many awards and forms: the form each
    application answers (its version, its round's newest, or the standard form), then the sections
    holding those questions and the questions they depend on."""
    application_ids = sorted({award.application_id for award in awards})
    if not application_ids:
        return {}
    # By id() of a (shared) form document: its questions, and the roles' places with those they depend on.
    forms: dict[int, tuple[dict[str, tuple[str, Shown | None]], list[tuple[Role, str]], list[Place]]] = {}
    wanted: dict[int, int] = {}
    for application_id, document in application_forms(db.session, application_ids).items():
        if id(document) not in forms:
            questions = questions_of(document)
            found = ((role, question_place(document, "role", role)) for role in roles)
            asked = [(role, place[1]) for role, place in found if place is not None]
            needed = [place for _role, question_id in asked for place in depends_on(questions, question_id)]
            forms[id(document)] = (questions, asked, needed)
        wanted[application_id] = id(document)
    keys = sorted({section_id for _q, _asked, places in forms.values() for section_id, _question_id in places})
    answers: dict[int, dict[Role, Any]] = {application_id: {} for application_id in application_ids}
    if not keys:
        return answers
    kept: dict[int, dict[str, Any]] = defaultdict(dict)  # by application id: the answers needed, by question id
    rows = db.session.execute(
        select(ApplicationSection.application_id, ApplicationSection.key, ApplicationSection.answers).where(
            ApplicationSection.application_id.in_(application_ids), ApplicationSection.key.in_(keys)))
    for application_id, key, section in rows:
        if application_id not in wanted or not isinstance(section, dict):
            continue
        for section_id, question_id in forms[wanted[application_id]][2]:
            if section_id == key and question_id in section:
                kept[application_id][question_id] = section[question_id]
    for application_id, form_key in wanted.items():
        questions, asked, _places = forms[form_key]
        for role, question_id in asked:
            if question_id in kept[application_id] and is_shown(questions, question_id, kept[application_id]):
                answers[application_id][role] = kept[application_id][question_id]
    return answers


def project_answers(awards: Sequence[Award]) -> dict[int, dict[Role, Any]]:
    """The project's title and summary as the applications answered them (``role_answers``), for the
    360Giving title and description."""
    return role_answers(awards, (Role.PROJECT_TITLE, Role.PROJECT_SUMMARY))


# Plan delivery ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommitmentDelivery:
    commitment: PlanCommitment
    awards: list[tuple[Award, Decimal]]  # (award, paid)

    @property
    def awarded(self) -> Decimal:
        return sum((award.amount for award, _paid in self.awards), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((paid_so_far for _award, paid_so_far in self.awards), ZERO)


@dataclass(frozen=True)
class ApproachDelivery:
    approach: PlanApproach
    commitments: list[CommitmentDelivery]

    def _distinct(self) -> dict[int, tuple[Award, Decimal]]:
        return {award.id: (award, paid_so_far) for c in self.commitments for award, paid_so_far in c.awards}

    @property
    def award_count(self) -> int:
        return len(self._distinct())

    @property
    def awarded(self) -> Decimal:
        return sum((award.amount for award, _paid in self._distinct().values()), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((paid_so_far for _award, paid_so_far in self._distinct().values()), ZERO)


def plan_delivery(criteria: PortfolioFilter) -> list[ApproachDelivery]:
    """For each approach of the plan and each of its commitments, the awards holding money that
    the officer said serve it, with the money awarded and paid."""
    awards = portfolio_awards(criteria, award_options=[selectinload(Award.commitments)])
    serving: dict[int, list[tuple[Award, Decimal]]] = defaultdict(list)
    for award in awards:
        for commitment in award.commitments:
            serving[commitment.id].append((award, paid(award)))
    approaches = db.session.scalars(
        select(PlanApproach).options(selectinload(PlanApproach.commitments)).order_by(PlanApproach.position)
    )
    return [
        ApproachDelivery(approach, [CommitmentDelivery(c, serving.get(c.id, [])) for c in approach.commitments])
        for approach in approaches
    ]


# Open data --------------------------------------------------------------------------------------

# Grants published as open data: the offers the grantee accepted (running or closed). Offers not
# yet accepted may still lapse or be withdrawn, so they are not grants made.
PUBLISHED = (AwardStatus.ACCEPTED, AwardStatus.CLOSED)


def publishable_awards() -> list[Award]:
    """Accepted and closed awards with everything the 360Giving export reads, oldest first."""
    return _publishable(select(Award).where(Award.status.in_(PUBLISHED)))


OpenDataBatch = tuple[list[Award], dict[int, dict[Role, Any]], dict[int, Decimal]]
OPEN_DATA_PAGE_SIZE = 50  # grants on a page of the open-data page


def _publishable_ids():
    return select(Award.id).where(Award.status.in_(PUBLISHED)).order_by(Award.offered_at, Award.id)


def _open_data_batch(chosen: Sequence[int]) -> OpenDataBatch:
    """The awards ``chosen`` (in publishing order) with their project answers and paid amounts."""
    query = select(Award).where(Award.id.in_(chosen)).order_by(Award.offered_at, Award.id)
    awards = list(db.session.scalars(query.options(*_OPEN_DATA_ROWS)).unique())
    disbursed = dict(db.session.execute(
        select(Instalment.award_id, func.sum(Instalment.amount))
        .where(Instalment.award_id.in_(chosen), Instalment.status == InstalmentStatus.PAID)
        .group_by(Instalment.award_id)
    ).all())
    # SQLite sums NUMERIC as floating point: back to pence.
    return awards, project_answers(awards), {
        award.id: Decimal(disbursed.get(award.id, ZERO)).quantize(PENNY) for award in awards}


def publishable_batches(size: int = 500) -> Iterator[OpenDataBatch]:
    """``publishable_awards`` a batch of ``size`` at a time, each with its awards' project answers
    (as ``project_answers``) and paid amounts (as ``paid``, summed in SQL), for an export of any
    number of awards: a few queries a batch, and a batch is garbage once the next is asked for (the
    session holds clean objects weakly)."""
    ids = list(db.session.scalars(_publishable_ids()))
    for start in range(0, len(ids), size):
        yield _open_data_batch(ids[start:start + size])


def publishable_page(page: int) -> tuple[Page, OpenDataBatch]:
    """One page of ``publishable_awards`` (the page's ids and the total counted in one statement),
    as a batch; a page past the last is "not found"."""
    ids = paginate(_publishable_ids(), page, OPEN_DATA_PAGE_SIZE)
    return ids, _open_data_batch(ids.items)


# What a 360Giving grant is made of (grants.open_data.grant), and nothing else: the instalments
# are summed in SQL, and the application's sections are not loaded (``project_answers`` reads the two answers).
_OPEN_DATA_ROWS = (
    # The round's areas stand in for the areas served when the application named none.
    joinedload(Award.funding_round).options(selectinload(FundingRound.local_authorities), lazyload("*")),
    joinedload(Award.organisation),
    joinedload(Award.application).options(
        lazyload(Application.sections), lazyload(Application.clarifications),
        selectinload(Application.local_authorities)),
    lazyload(Award.instalments),
)


def _publishable(query) -> list[Award]:
    query = query.order_by(Award.offered_at, Award.id)
    return list(db.session.scalars(
        _loaded(query, application_options=[selectinload(Application.local_authorities)])
    ).unique())

