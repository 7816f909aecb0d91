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

from flask import abort
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from grants.extensions import db
from grants.form_definitions import Role
from grants.interfaces.awards import portfolio_totals
from grants.interfaces.awards.portfolio import PortfolioFilter, filtered, in_scope
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
from grants.models.applications import (
    Application,
    ApplicationPartner,
    ApplicationSection,
    application_local_authorities,
)
from grants.models.awards import COMMITTING, Award, AwardStatus, Instalment, InstalmentStatus, award_commitments
from grants.models.organisations import Organisation
from grants.models.portfolio import PortfolioFigure
from grants.models.reference import LocalAuthority, PlanApproach, PlanCommitment
from grants.models.rounds import FundingRound, round_local_authorities
from grants.open_data import Area, OpenDataBatch, Partner, PublishedAward, Recipient


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


def _among(column, ids: Sequence[int]):
    """``column IN (...)`` with the ids written into the statement: as hundreds of bound parameters
    they cost more than the rows (psycopg reads a statement's parameters in Python, one by one)."""
    return column.in_(bindparam(None, list(ids), type_=column.type, expanding=True, literal_execute=True))


def role_answers(awards: Sequence[Award | PublishedAward], roles: Sequence[Role]) -> dict[int, dict[Role, Any]]:
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
            _among(ApplicationSection.application_id, application_ids), ApplicationSection.key.in_(keys)))
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


def project_answers(awards: Sequence[Award | PublishedAward]) -> dict[int, dict[Role, Any]]:
    """The project's title and summary as the applications answered them (``role_answers``), for the
    360Giving title and description."""
    return role_answers(awards, (Role.PROJECT_TITLE, Role.PROJECT_SUMMARY))


# Plan delivery ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Serving:
    """How many awards serve a commitment (or an approach's commitments), their money and what is paid."""

    award_count: int = 0
    awarded: Decimal = ZERO
    paid: Decimal = ZERO


@dataclass(frozen=True)
class CommitmentDelivery:
    commitment: PlanCommitment
    serving: Serving

    @property
    def award_count(self) -> int:
        return self.serving.award_count

    @property
    def awarded(self) -> Decimal:
        return self.serving.awarded

    @property
    def paid(self) -> Decimal:
        return self.serving.paid


@dataclass(frozen=True)
class ApproachDelivery:
    approach: PlanApproach
    commitments: list[CommitmentDelivery]
    serving: Serving  # each award once, however many of the approach's commitments it serves

    @property
    def award_count(self) -> int:
        return self.serving.award_count

    @property
    def awarded(self) -> Decimal:
        return self.serving.awarded

    @property
    def paid(self) -> Decimal:
        return self.serving.paid


def plan_delivery(criteria: PortfolioFilter) -> list[ApproachDelivery]:
    """For each approach of the plan and each of its commitments, how many awards holding money the
    officer said serve it, with the money awarded and paid: read from the kept totals (a row per
    round, year and commitment), so two queries however many awards."""
    portfolio_totals.ready()
    figure = PortfolioFigure
    serving: dict[tuple[str, str], Serving] = {}
    for measure, code, count, awarded, paid_total in db.session.execute(in_scope(
            select(figure.measure, figure.code, func.sum(figure.awards), func.sum(figure.amount), func.sum(figure.paid))
            .where(figure.measure.in_([portfolio_totals.COMMITMENT, portfolio_totals.DELIVERY]))
            .group_by(figure.measure, figure.code), figure, criteria)):
        # SQLite sums NUMERIC as floating point: back to pence.
        serving[measure, code] = Serving(int(count), Decimal(awarded).quantize(PENNY),
                                         Decimal(paid_total).quantize(PENNY))
    approaches = db.session.scalars(
        select(PlanApproach).options(selectinload(PlanApproach.commitments)).order_by(PlanApproach.position)
    )
    return [
        ApproachDelivery(
            approach,
            [CommitmentDelivery(c, serving.get((portfolio_totals.COMMITMENT, str(c.id)), Serving()))
             for c in approach.commitments],
            serving.get((portfolio_totals.DELIVERY, str(approach.id)), Serving()),
        )
        for approach in approaches
    ]


COMMITMENT_AWARDS_PER_PAGE = 50


def commitment(commitment_id: int) -> PlanCommitment:
    found = db.session.get(PlanCommitment, commitment_id)
    if found is None:
        abort(404)
    return found


def commitment_awards(commitment_id: int, criteria: PortfolioFilter, page: int) -> tuple[Page, dict[int, Decimal]]:
    """One page of the awards holding money that serve a commitment (those the filter picks), newest
    offer first, with each one's paid instalments (summed in SQL for the page's awards)."""
    query = (select(Award).join(award_commitments, award_commitments.c.award_id == Award.id)
             .where(award_commitments.c.commitment_id == commitment_id, Award.status.in_(sorted(COMMITTING)))
             .options(joinedload(Award.organisation), joinedload(Award.application).lazyload("*"),
                      lazyload(Award.funding_round), lazyload(Award.instalments))
             .order_by(Award.offered_at.desc(), Award.id.desc()))
    results = paginate(filtered(query, criteria), page, COMMITMENT_AWARDS_PER_PAGE)
    ids = [award.id for award in results.items]
    paid_by_award = dict(db.session.execute(
        select(Instalment.award_id, func.sum(Instalment.amount))
        .where(Instalment.award_id.in_(ids), Instalment.status == InstalmentStatus.PAID)
        .group_by(Instalment.award_id)
    ).all()) if ids else {}
    # SQLite sums NUMERIC as floating point: back to pence.
    return results, {award_id: Decimal(paid_by_award.get(award_id, ZERO)).quantize(PENNY) for award_id in ids}


# Open data --------------------------------------------------------------------------------------

# Grants published as open data: the offers the grantee accepted (running or closed). Offers not
# yet accepted may still lapse or be withdrawn, so they are not grants made.
PUBLISHED = (AwardStatus.ACCEPTED, AwardStatus.CLOSED)


def publishable_awards() -> list[Award]:
    """Accepted and closed awards with everything the 360Giving export reads, oldest first."""
    return _publishable(select(Award).where(Award.status.in_(PUBLISHED)))


OPEN_DATA_PAGE_SIZE = 50  # grants on a page of the open-data page


def _publishable_ids():
    return select(Award.id).where(Award.status.in_(PUBLISHED)).order_by(Award.offered_at, Award.id)


# An award's paid instalments (as ``paid``), summed in SQL.
_DISBURSED = (select(func.sum(Instalment.amount))
              .where(Instalment.award_id == Award.id, Instalment.status == InstalmentStatus.PAID)
              .correlate(Award).scalar_subquery())


def _open_data_batch(chosen: Sequence[int]) -> OpenDataBatch:
    """The awards ``chosen`` as the open data reads them (in publishing order), with their project
    answers: the columns a 360Giving grant is made of and nothing else (no award, application or
    organisation loaded whole). Four queries (awards, areas, rounds' areas, partners) and the answers' three."""
    rows = db.session.execute(
        select(Award.id, Award.application_id, Award.round_id, Award.amount, _DISBURSED, Award.offered_at,
               Award.start_date, Award.end_date, Award.updated_at, Application.reference, Application.project_title,
               Application.amount_requested, FundingRound.name, Organisation.id, Organisation.name,
               Organisation.charity_number, Organisation.company_number, Organisation.postcode,
               Organisation.legal_type)
        .join(Application, Application.id == Award.application_id)
        .join(FundingRound, FundingRound.id == Award.round_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(_among(Award.id, chosen)).order_by(Award.offered_at, Award.id)
    ).all()
    # The areas the applications named, else (a form without the question) their rounds', where the work had to be.
    named = _areas(application_local_authorities.c.application_id, application_local_authorities.c.local_authority_id,
                   [row[1] for row in rows])
    rounds = _areas(round_local_authorities.c.round_id, round_local_authorities.c.local_authority_id,
                    sorted({row[2] for row in rows if row[1] not in named}))
    partners: dict[int, list[Partner]] = defaultdict(list)
    if rows:
        for application_id, partner_id, name, charity_number, company_number in db.session.execute(
                select(ApplicationPartner.application_id, ApplicationPartner.id, ApplicationPartner.name,
                       ApplicationPartner.charity_number, ApplicationPartner.company_number)
                .where(_among(ApplicationPartner.application_id, [row[1] for row in rows]))
                .order_by(ApplicationPartner.application_id, ApplicationPartner.position, ApplicationPartner.id)):
            partners[application_id].append(Partner(partner_id, name, charity_number, company_number))
    awards = [
        PublishedAward(
            id=award_id, application_id=application_id, round_id=round_id, amount=amount,
            # SQLite sums NUMERIC as floating point: back to pence.
            disbursed=Decimal(disbursed if disbursed is not None else ZERO).quantize(PENNY),
            offered_at=offered_at, start_date=start_date, end_date=end_date, updated_at=updated_at,
            reference=reference, project_title=project_title, amount_requested=amount_requested,
            round_name=round_name, organisation=Recipient(*organisation),
            areas=tuple(named.get(application_id) or rounds.get(round_id) or ()),
            partners=tuple(partners.get(application_id, ())))
        for (award_id, application_id, round_id, amount, disbursed, offered_at, start_date, end_date, updated_at,
             reference, project_title, amount_requested, round_name, *organisation) in rows
    ]
    return awards, project_answers(awards)


def _areas(owner, area, owners: Sequence[int]) -> dict[int, list[Area]]:
    """The local authority areas of each of ``owners`` (an application or a round, by the ``owner``
    and ``area`` columns of its link table), in the areas' order; an owner with none is left out."""
    found: dict[int, list[Area]] = defaultdict(list)
    if owners:
        for owner_id, name, ons_code in db.session.execute(
                select(owner, LocalAuthority.name, LocalAuthority.ons_code)
                .join(LocalAuthority, LocalAuthority.id == area)
                .where(_among(owner, owners)).order_by(owner, LocalAuthority.position, LocalAuthority.id)):
            found[owner_id].append(Area(name, ons_code))
    return found


def publishable_batches(size: int = 1000) -> Iterator[OpenDataBatch]:
    """``publishable_awards`` a batch of ``size`` at a time, as the open data reads them
    (``_open_data_batch``), with their project answers (as ``project_answers``), for an export of
    any number of awards: a few queries a batch, and a batch is garbage once the next is asked for."""
    ids = list(db.session.scalars(_publishable_ids()))
    for start in range(0, len(ids), size):
        yield _open_data_batch(ids[start:start + size])


def publishable_page(page: int) -> tuple[Page, OpenDataBatch]:
    """One page of ``publishable_awards`` (the page's ids and the total counted in one statement),
    as a batch; a page past the last is "not found"."""
    ids = paginate(_publishable_ids(), page, OPEN_DATA_PAGE_SIZE)
    return ids, _open_data_batch(ids.items)


def _publishable(query) -> list[Award]:
    query = query.order_by(Award.offered_at, Award.id)
    return list(db.session.scalars(
        _loaded(query, application_options=[selectinload(Application.local_authorities)])
    ).unique())

