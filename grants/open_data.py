"""Awards as 360Giving open data (the 360Giving Data Standard, version 1.4).

One grant per award the grantee accepted (running or closed). The grant's fields:

- ``id``: the publisher prefix and the application's reference, "360G-opccdc-CGS-2026-0042";
- ``title`` and ``description``: the project's name and the summary the applicant wrote (the form
  tells them it may be published): the answers to the questions with the roles ``project_title``
  and ``project_summary`` in the form the application answers, wherever it puts them;
- ``amountAwarded`` (the award as it stands, after any variation) and ``amountDisbursed`` (its paid
  instalments), in pounds, written from the Decimal exactly;
- ``awardDate``: the day the offer was made, the decision to award (UK date);
- ``plannedDates``: the award's start and end dates;
- ``recipientOrganization``: the organisation's org-id (see ``organisation_id``), name, charity and
  company numbers and, for a registered organisation, its postcode;
- ``beneficiaryLocation``: the local authority areas served, with their ONS codes: those the application
  named, or, when it named none (a form without the question), the round's areas, where the work had to
  be;
- ``dataSource``: where the data comes from: ``GRANTS_360_DATA_SOURCE`` if set, else the service's public
  list of grants made;
- ``fundingOrganization`` and ``grantProgramme``: the commissioner and the round;
- ``partnerOrganization`` (a consortium bid's partner organisations): an additional field, see
  ``partner_organisations``.

Nothing about a person goes in: no contact's name, email or phone, no user, no declaration's
signatory, and no postcode of an unregistered group (which is often somebody's home).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any, NamedTuple

from grants.form_definitions import Role
from grants.formatting import LONDON
from grants.interfaces.awards.portfolio import paid
from grants.links import public_url
from grants.models.awards import Award
from grants.models.organisations import LegalType

STANDARD_VERSION = "1.4"
DATA_SOURCE = "GRANTS_360_DATA_SOURCE"
COUNTRY = "GB"
# 360Giving's geoCodeType codes, by the ONS entity code that starts a GSS code.
GEO_CODE_TYPES = {
    "E06": "UA",  # unitary authority (Cornwall, Plymouth, Torbay, the Isles of Scilly)
    "E07": "NMD",  # non-metropolitan district (Devon's districts)
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",  # county (Devon)
    "W06": "UA",
    "S12": "CA",
}


class Area(NamedTuple):
    """A local authority area a grant serves, as the open data names it."""

    name: str
    ons_code: str


class Partner(NamedTuple):
    """A consortium bid's partner organisation, as the open data names it (see ``partner_organisations``)."""

    id: int
    name: str
    charity_number: str | None
    company_number: str | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """The organisation an award is made to, as the open data reads it (its Organisation's columns)."""

    id: int
    name: str
    charity_number: str | None
    company_number: str | None
    postcode: str | None
    legal_type: LegalType


@dataclass(frozen=True, slots=True)
class PublishedAward:
    """What a 360Giving grant is made of, and nothing else: the award's own columns and its paid
    instalments, its application's reference, title, amount asked for and partners, its round's name,
    its organisation, and the areas it serves (the application's, or its round's when it named none).
    The files read these with a select of those columns
    (grants.interfaces.awards.portfolio_awards.publishable_batches): loading whole awards,
    applications and organisations took most of the time of 4,000 grants. ``published`` makes one
    from an Award."""

    id: int
    application_id: int
    round_id: int
    amount: Decimal
    disbursed: Decimal
    offered_at: datetime
    start_date: date
    end_date: date
    updated_at: datetime
    reference: str | None
    project_title: str | None
    amount_requested: Decimal | None
    round_name: str
    organisation: Recipient
    areas: tuple[Area, ...]
    partners: tuple[Partner, ...]


def published(award: Award) -> PublishedAward:
    """An award (with its application, round, organisation and instalments) as the open data reads it;
    its application's partners are read (a query an award: for a few awards, such as tests')."""
    application, organisation = award.application, award.organisation
    return PublishedAward(
        id=award.id, application_id=award.application_id, round_id=award.round_id, amount=award.amount,
        disbursed=paid(award), offered_at=award.offered_at, start_date=award.start_date, end_date=award.end_date,
        updated_at=award.updated_at, reference=application.reference, project_title=application.project_title,
        amount_requested=application.amount_requested, round_name=award.funding_round.name,
        organisation=Recipient(organisation.id, organisation.name, organisation.charity_number,
                               organisation.company_number, organisation.postcode, organisation.legal_type),
        areas=tuple(Area(area.name, area.ons_code)
                    for area in application.local_authorities or award.funding_round.local_authorities),
        partners=tuple(Partner(partner.id, partner.name, partner.charity_number, partner.company_number)
                       for partner in application.partners),
    )


def organisation_id(organisation: Recipient, prefix: str) -> str:
    """The organisation's org-id (org-id.guide), preferring the charity register to Companies House.

    Charity numbers: "1234567" (England and Wales) is GB-CHC-1234567, a linked charity
    "1234567-1" is known by its main charity's number; "SC012345" is GB-SC-SC012345; "NIC100001"
    is GB-NIC-100001. Company numbers keep their eight characters with leading zeros:
    GB-COH-01234567 or GB-COH-SC123456. An organisation with neither (a community group, a faith
    group, a statutory body) gets the publisher's own id, "360G-opccdc-org-42".
    """
    charity = (organisation.charity_number or "").strip().upper()
    if charity.startswith("SC"):
        return f"GB-SC-{charity}"
    if charity.startswith("NIC"):
        return f"GB-NIC-{charity[3:]}"
    if charity:
        return f"GB-CHC-{charity.split('-')[0]}"
    company = (organisation.company_number or "").strip().upper()
    if company:
        return f"GB-COH-{company.zfill(8) if company.isdigit() else company}"
    return f"{prefix}-org-{organisation.id}"


def is_registered(organisation: Recipient) -> bool:
    """Registered with a regulator (or a public body), so that its address is a matter of record."""
    return bool(organisation.charity_number or organisation.company_number) or (
        organisation.legal_type is LegalType.STATUTORY_BODY
    )


def grant_id(award: PublishedAward, prefix: str) -> str:
    reference = award.reference or f"award-{award.id}"
    return f"{prefix}-{reference}"


def _recipient(organisation: Recipient, prefix: str) -> dict[str, Any]:
    recipient: dict[str, Any] = {"id": organisation_id(organisation, prefix), "name": organisation.name}
    if organisation.charity_number:
        recipient["charityNumber"] = organisation.charity_number
    if organisation.company_number:
        recipient["companyNumber"] = organisation.company_number
    if is_registered(organisation) and organisation.postcode:
        recipient["postalCode"] = organisation.postcode
    return recipient


# Partner organisations. The 360Giving standard (1.4) has no field for them: a grant's
# ``recipientOrganization`` is the organisation the grant is made to (the standard's flattened form,
# "Recipient Org:…", has one), and a consortium bid's grant is made to its lead, which is accountable for
# all of it. The standard allows additional fields beside its own (its schema sets no
# ``additionalProperties: false``, and 360Giving's guidance on additional data asks for them to be
# named plainly), so the partners go in an additional ``partnerOrganization`` list shaped as the
# standard's Organization (org-id, name, charity and company numbers): tools that know only the
# standard read the lead as the recipient and ignore the list; others can see who shares the grant.
# Nothing about a person (the partner's contact) and no applicant's wording (the role) goes in, and
# no share of the budget: the shares were asked for, the award may differ.
def partner_id(partner: Partner, prefix: str) -> str:
    """The partner's org-id from its charity or company number, as ``organisation_id`` gives one;
    with neither, the publisher's own id, "360G-opccdc-partner-7"."""
    charity = (partner.charity_number or "").strip().upper()
    company = (partner.company_number or "").strip().upper()
    if not charity and not company:
        return f"{prefix}-partner-{partner.id}"
    if charity.startswith("SC"):
        return f"GB-SC-{charity}"
    if charity.startswith("NIC"):
        return f"GB-NIC-{charity[3:]}"
    if charity:
        return f"GB-CHC-{charity.split('-')[0]}"
    return f"GB-COH-{company.zfill(8) if company.isdigit() else company}"


def partner_organisations(partners: Iterable[Partner], prefix: str) -> list[dict[str, Any]]:
    found = []
    for partner in partners:
        organisation: dict[str, Any] = {"id": partner_id(partner, prefix), "name": partner.name}
        if partner.charity_number:
            organisation["charityNumber"] = partner.charity_number
        if partner.company_number:
            organisation["companyNumber"] = partner.company_number
        found.append(organisation)
    return found


def _location(area: Area) -> dict[str, Any]:
    location: dict[str, Any] = {"name": area.name, "countryCode": COUNTRY, "geoCode": area.ons_code}
    geo_code_type = GEO_CODE_TYPES.get(area.ons_code[:3])
    if geo_code_type:
        location["geoCodeType"] = geo_code_type
    return location


def _first(answers: Mapping[Role, Any], role: Role) -> str:
    """An answer as kept (a list of the text typed), as one line of text; "" when not answered."""
    value = answers.get(role)
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def grant(award: PublishedAward, project: Mapping[Role, Any], settings: Mapping[str, str]) -> dict[str, Any]:
    """One award as a 360Giving grant. ``project`` is the application's answers by role (its
    ``project_title`` and ``project_summary``, as grants.interfaces.awards.portfolio_awards.project_answers
    reads them); ``settings`` the app's configuration (the GRANTS_360_* values)."""
    prefix = settings["GRANTS_360_PREFIX"]
    title = award.project_title or _first(project, Role.PROJECT_TITLE) or award.reference or f"Award {award.id}"
    record: dict[str, Any] = {
        "id": grant_id(award, prefix),
        "title": title,
        "description": _first(project, Role.PROJECT_SUMMARY) or title,
        "currency": "GBP",
        "amountAwarded": award.amount,
        "amountDisbursed": award.disbursed,
        "awardDate": award.offered_at.astimezone(LONDON).date().isoformat(),
        "plannedDates": [{"startDate": award.start_date.isoformat(), "endDate": award.end_date.isoformat()}],
        "recipientOrganization": [_recipient(award.organisation, prefix)],
        "fundingOrganization": [{"id": settings["GRANTS_360_FUNDER_ID"], "name": settings["GRANTS_360_FUNDER_NAME"]}],
        "grantProgramme": [{"code": f"{prefix}-round-{award.round_id}", "title": award.round_name}],
        "fromOpenCall": "Yes",
        "dateModified": _timestamp(award.updated_at),
    }
    if award.amount_requested is not None:
        record["amountAppliedFor"] = award.amount_requested
    if award.areas:
        record["beneficiaryLocation"] = [_location(area) for area in award.areas]
    record["dataSource"] = settings.get(DATA_SOURCE) or data_source(settings)
    if partnered := partner_organisations(award.partners, prefix):
        record["partnerOrganization"] = partnered
    return record


def data_source(settings: Mapping[str, str]) -> str:
    """The web link 360Giving's ``dataSource`` names: the configured one, else the public page that lists
    the grants made (grants.interfaces.decisions.publication), at the service's public address."""
    return settings.get(DATA_SOURCE) or public_url("decisions.grants_made")


def _sourced(settings: Mapping[str, str]) -> Mapping[str, str]:
    """``settings`` with the data source worked out once for a whole file."""
    return {**settings, DATA_SOURCE: data_source(settings)}


def package(awards: Sequence[Award], projects: Mapping[int, Mapping[Role, Any]],
            settings: Mapping[str, str]) -> dict[str, Any]:
    """The 360Giving data package: ``{"grants": [...]}``, for awards loaded whole. ``projects`` maps
    application ids to their answers by role (as for ``grant``)."""
    return {"grants": list(grants([([published(award) for award in awards], projects)], settings))}


# Awards as the open data reads them, with their applications' answers by role (as for ``grant``).
OpenDataBatch = tuple[Sequence[PublishedAward], Mapping[int, Mapping[Role, Any]]]


def write_package(write: Callable[[str], object], batches: Iterable[OpenDataBatch],
                  settings: Mapping[str, str]) -> None:
    """``to_json(package(...))`` written a grant at a time, for any number of awards: ``batches``
    gives awards with their projects (as for ``package``), a batch at a time, so that only one batch
    is held in memory; ``write`` takes each piece of text in order."""
    write('{"grants": [')
    separator = ""
    for record in grants(batches, settings):
        write(separator + to_json(record))
        separator = ", "
    write("]}")


def grants(batches: Iterable[OpenDataBatch], settings: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """Each award of ``batches`` (as for ``write_package``) as a 360Giving grant, one at a time."""
    settings = _sourced(settings)
    for awards, projects in batches:
        for award in awards:
            yield grant(award, projects.get(award.application_id, {}), settings)


def to_json(value: Any) -> str:
    """``value`` as JSON, with each Decimal written as the number it is ("4000.00", never a
    binary float's approximation)."""
    pieces: list[str] = []
    _write(value, pieces.append)
    return "".join(pieces)


def _write(value: Any, write: Callable[[str], object]) -> None:
    """``value`` as JSON, handed to ``write`` piece by piece (as ``json.dumps`` would write each
    string, key and scalar; keys ASCII-escaped, strings as they are)."""
    if isinstance(value, str):
        write(encode_basestring(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        write(format(value, "f"))
    elif isinstance(value, Mapping):
        write("{")
        separator = ""
        for key, item in value.items():
            write(f"{separator}{encode_basestring_ascii(str(key))}: ")
            _write(item, write)
            separator = ", "
        write("}")
    elif isinstance(value, list | tuple):
        write("[")
        separator = ""
        for item in value:
            write(separator)
            _write(item, write)
            separator = ", "
        write("]")
    else:
        write(json.dumps(value, ensure_ascii=False))
