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
from datetime import UTC, datetime
from decimal import Decimal
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

from sqlalchemy import select

from grants.extensions import db
from grants.form_definitions import Role
from grants.formatting import LONDON
from grants.interfaces.awards.portfolio import paid
from grants.links import public_url
from grants.models.applications import ApplicationPartner
from grants.models.awards import Award
from grants.models.organisations import LegalType, Organisation
from grants.models.reference import LocalAuthority

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


def organisation_id(organisation: Organisation, prefix: str) -> str:
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


def is_registered(organisation: Organisation) -> bool:
    """Registered with a regulator (or a public body), so that its address is a matter of record."""
    return bool(organisation.charity_number or organisation.company_number) or (
        organisation.legal_type is LegalType.STATUTORY_BODY
    )


def grant_id(award: Award, prefix: str) -> str:
    reference = award.application.reference or f"award-{award.id}"
    return f"{prefix}-{reference}"


def _recipient(organisation: Organisation, prefix: str) -> dict[str, Any]:
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
def partner_id(partner: ApplicationPartner, prefix: str) -> str:
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


def partner_organisations(partners: Iterable[ApplicationPartner], prefix: str) -> list[dict[str, Any]]:
    found = []
    for partner in partners:
        organisation: dict[str, Any] = {"id": partner_id(partner, prefix), "name": partner.name}
        if partner.charity_number:
            organisation["charityNumber"] = partner.charity_number
        if partner.company_number:
            organisation["companyNumber"] = partner.company_number
        found.append(organisation)
    return found


def partners_of(awards: Sequence[Award]) -> dict[int, list[ApplicationPartner]]:
    """The partners of the awards' applications by application id, in one statement (a batch's)."""
    ids = {award.application_id for award in awards}
    found: dict[int, list[ApplicationPartner]] = {application_id: [] for application_id in ids}
    if ids:
        for partner in db.session.scalars(
            select(ApplicationPartner).where(ApplicationPartner.application_id.in_(ids))
            .order_by(ApplicationPartner.application_id, ApplicationPartner.position, ApplicationPartner.id)
        ):
            found[partner.application_id].append(partner)
    return found


def _location(area: LocalAuthority) -> dict[str, Any]:
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


def grant(award: Award, project: Mapping[Role, Any], settings: Mapping[str, str],
          disbursed: Decimal | None = None, partners: Sequence[ApplicationPartner] | None = None) -> dict[str, Any]:
    """One award as a 360Giving grant. ``project`` is the application's answers by role (its
    ``project_title`` and ``project_summary``, as grants.interfaces.awards.portfolio_awards.project_answers
    reads them);
    ``settings`` the app's configuration (the GRANTS_360_* values); ``disbursed`` the award's paid
    instalments when already summed (read from the award when not); ``partners`` the application's
    partner organisations when already loaded (``partners_of``; read from the application when not)."""
    prefix = settings["GRANTS_360_PREFIX"]
    application = award.application
    title = (application.project_title or _first(project, Role.PROJECT_TITLE) or application.reference
             or f"Award {award.id}")
    record: dict[str, Any] = {
        "id": grant_id(award, prefix),
        "title": title,
        "description": _first(project, Role.PROJECT_SUMMARY) or title,
        "currency": "GBP",
        "amountAwarded": award.amount,
        "amountDisbursed": paid(award) if disbursed is None else disbursed,
        "awardDate": award.offered_at.astimezone(LONDON).date().isoformat(),
        "plannedDates": [{"startDate": award.start_date.isoformat(), "endDate": award.end_date.isoformat()}],
        "recipientOrganization": [_recipient(award.organisation, prefix)],
        "fundingOrganization": [{"id": settings["GRANTS_360_FUNDER_ID"], "name": settings["GRANTS_360_FUNDER_NAME"]}],
        "grantProgramme": [{"code": f"{prefix}-round-{award.round_id}", "title": award.funding_round.name}],
        "fromOpenCall": "Yes",
        "dateModified": _timestamp(award.updated_at),
    }
    if application.amount_requested is not None:
        record["amountAppliedFor"] = application.amount_requested
    if areas := application.local_authorities or award.funding_round.local_authorities:
        record["beneficiaryLocation"] = [_location(area) for area in areas]
    record["dataSource"] = settings.get(DATA_SOURCE) or data_source(settings)
    if partnered := partner_organisations(application.partners if partners is None else partners, prefix):
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
    """The 360Giving data package: ``{"grants": [...]}``. ``projects`` maps application ids to
    their answers by role (as for ``grant``)."""
    settings = _sourced(settings)
    partners = partners_of(awards)
    return {
        "grants": [grant(award, projects.get(award.application_id, {}), settings,
                         partners=partners.get(award.application_id, [])) for award in awards],
    }


def write_package(write: Callable[[str], object],
                  batches: Iterable[tuple[Sequence[Award], Mapping[int, Mapping[Role, Any]], Mapping[int, Decimal]]],
                  settings: Mapping[str, str]) -> None:
    """``to_json(package(...))`` written a grant at a time, for any number of awards: ``batches``
    gives awards with their projects (as for ``package``) and paid amounts by award id, a batch at
    a time, so that only one batch is held in memory; ``write`` takes each piece of text in order."""
    write('{"grants": [')
    separator = ""
    for record in grants(batches, settings):
        write(separator + to_json(record))
        separator = ", "
    write("]}")


def grants(batches: Iterable[tuple[Sequence[Award], Mapping[int, Mapping[Role, Any]], Mapping[int, Decimal]]],
           settings: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """Each award of ``batches`` (as for ``write_package``) as a 360Giving grant, one at a time."""
    settings = _sourced(settings)
    for awards, projects, disbursed in batches:
        partners = partners_of(awards)
        for award in awards:
            yield grant(award, projects.get(award.application_id, {}), settings, disbursed.get(award.id),
                        partners.get(award.application_id, []))


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
