"""The values of the emails about running a grant (grants/data/emails/grant_management.toml): monitoring
returns, repayments, changes and claims; and examples of them from real records for previews."""

from __future__ import annotations

from sqlalchemy import select

from grants.email_templates import Value
from grants.extensions import db
from grants.formatting import long_date, money
from grants.interfaces.awards.emails import award_values
from grants.links import public_url
from grants.models.accounts import User
from grants.models.awards import (
    Instalment,
    InstalmentStatus,
    InstalmentTrigger,
    MonitoringReturn,
    Repayment,
    ReturnStatus,
    Variation,
    VariationKind,
    VariationStatus,
)
from grants.models.claims import Claim, ClaimStatus


def return_values(monitoring_return: MonitoringReturn) -> dict[str, Value]:
    award = monitoring_return.award
    return {
        **award_values(award),
        "return number": str(monitoring_return.number),
        "due date": long_date(monitoring_return.due_date),
        "period start": long_date(monitoring_return.period_start),
        "period end": long_date(monitoring_return.period_end),
        "final return": monitoring_return.final,
        "review comments": monitoring_return.review_comments or "",
        "link": public_url("grantee.return_task_list", award_id=award.id, return_id=monitoring_return.id),
    }


def overdue_values(monitoring_return: MonitoringReturn, days_overdue: int) -> dict[str, Value]:
    return {**return_values(monitoring_return), "days overdue": f"{days_overdue} day{'' if days_overdue == 1 else 's'}"}


def waiting_instalment(monitoring_return: MonitoringReturn) -> Instalment | None:
    """The payment this return may release: the next scheduled instalment after a return."""
    return next((i for i in monitoring_return.award.instalments
                 if i.status is InstalmentStatus.SCHEDULED and i.trigger is InstalmentTrigger.AFTER_RETURN), None)


def submitted_values(monitoring_return: MonitoringReturn, officer: User, submitted_by: User,
                     resubmitted: bool) -> dict[str, Value]:
    award = monitoring_return.award
    waiting = waiting_instalment(monitoring_return)
    return {
        **return_values(monitoring_return),
        "recipient name": officer.full_name,
        "submitted by": submitted_by.full_name,
        "project title or none": award.application.project_title or "no project title",
        "resubmitted": resubmitted,
        "first submission": not resubmitted,
        "payment waiting": waiting is not None,
        "waiting instalment": str(waiting.number) if waiting else "",
        "waiting amount": money(waiting.amount) if waiting else "",
        "link": public_url("awards.return_review", award_id=award.id, return_id=monitoring_return.id),
    }


def repayment_values(repayment: Repayment, days_overdue: int) -> dict[str, Value]:
    award = repayment.award
    return {
        **award_values(award),
        "repayment amount": money(repayment.amount),
        "repayment due date": long_date(repayment.due_date),
        "repayment reason": repayment.reason,
        "overdue": days_overdue > 0,
        "not overdue": days_overdue <= 0,
        "days overdue": f"{days_overdue} day{'' if days_overdue == 1 else 's'}",
        "link": public_url("grantee.show", award_id=award.id),
    }


# Examples for previews ----------------------------------------------------------------------------

def _latest_return(*statuses: ReturnStatus) -> MonitoringReturn | None:
    query = select(MonitoringReturn).order_by(MonitoringReturn.due_date.desc(), MonitoringReturn.id.desc()).limit(1)
    if statuses:
        query = query.where(MonitoringReturn.status.in_(statuses))
    return db.session.scalars(query).first()


def example_return() -> dict[str, Value] | None:
    found = _latest_return()
    return None if found is None else return_values(found)


def example_overdue() -> dict[str, Value] | None:
    found = _latest_return()
    return None if found is None else overdue_values(found, 3)


def example_more_information() -> dict[str, Value] | None:
    found = _latest_return(ReturnStatus.MORE_INFORMATION) or _latest_return()
    if found is None:
        return None
    values = return_values(found)
    values["review comments"] = values["review comments"] or "[review comments]"  # none asked for yet
    return values


def example_submitted() -> dict[str, Value] | None:
    found = _latest_return(ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED)
    if found is None or found.award.officer is None:
        return None
    submitter = db.session.get(User, found.submitted_by_id) if found.submitted_by_id else None
    return submitted_values(found, found.award.officer, submitter or found.award.officer, resubmitted=False)


def example_repayment() -> dict[str, Value] | None:
    repayment = db.session.scalars(select(Repayment).order_by(Repayment.id.desc()).limit(1)).first()
    return None if repayment is None else repayment_values(repayment, 0)


# Changes to a grant (variations) ------------------------------------------------------------------

def variation_values(variation: Variation) -> dict[str, Value]:
    from grants.interfaces.awards.variations import changes

    award = variation.award
    approved = variation.status is VariationStatus.APPROVED
    return {
        **award_values(award),
        "change": variation.kind.label.lower(),
        "changes": "\n".join(f"{what}: {before} → {after}" for what, before, after in changes(variation)),
        "reason": variation.reason or "",
        "requested by grantee": variation.requested_by_grantee,
        "made by officer": not variation.requested_by_grantee,
        "decision": variation.status.value,
        "decision reason": variation.decision_reason or "",
        "has decision reason": bool(variation.decision_reason),
        "approved": approved,
        "not approved": not approved,
        "amount changed": approved and variation.kind is VariationKind.AMOUNT,
        "dates changed": approved and variation.kind is VariationKind.DATES,
        "project or yours": award.application.project_title or "your project",
        "project title or none": award.application.project_title or "no project title",
    }


def variation_requested_values(variation: Variation) -> dict[str, Value]:
    award = variation.award
    return {**variation_values(variation),
            "link": public_url("awards.variation", award_id=award.id, variation_id=variation.id)}


def variation_decided_values(variation: Variation) -> dict[str, Value]:
    award = variation.award
    return {**variation_values(variation),
            "link": public_url("grantee.variation", award_id=award.id, variation_id=variation.id)}


def _latest_variation(*statuses: VariationStatus) -> Variation | None:
    query = select(Variation).order_by(Variation.id.desc()).limit(1)
    if statuses:
        query = query.where(Variation.status.in_(statuses))
    return db.session.scalars(query).first()


def example_variation_requested() -> dict[str, Value] | None:
    found = _latest_variation(VariationStatus.REQUESTED) or _latest_variation()
    return None if found is None else variation_requested_values(found)


def example_variation_decided() -> dict[str, Value] | None:
    found = _latest_variation(VariationStatus.APPROVED, VariationStatus.REJECTED)
    return None if found is None else variation_decided_values(found)


# Claims of spend ---------------------------------------------------------------------------------

def claim_values(claim: Claim) -> dict[str, Value]:
    award = claim.award
    return {
        **award_values(award),
        "claim number": str(claim.number),
        "claim total": money(claim.total),
        "check note": claim.check_note or "",
        "project or yours": award.application.project_title or "your project",
        "link": public_url("grantee.show", award_id=award.id),
    }


def claim_submitted_values(claim: Claim, officer: User) -> dict[str, Value]:
    return {**claim_values(claim), "recipient name": officer.full_name,
            "link": public_url("awards.claim", award_id=claim.award_id, claim_id=claim.id)}


def _latest_claim(*statuses: ClaimStatus) -> Claim | None:
    query = select(Claim).where(Claim.status.in_(statuses)).order_by(Claim.id.desc()).limit(1)
    return db.session.scalars(query).first()


def example_claim_submitted() -> dict[str, Value] | None:
    found = _latest_claim(ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED, ClaimStatus.RETURNED, ClaimStatus.REJECTED)
    if found is None or found.award.officer is None:
        return None
    return claim_submitted_values(found, found.award.officer)


def example_claim_accepted() -> dict[str, Value] | None:
    found = _latest_claim(ClaimStatus.ACCEPTED)
    return None if found is None else claim_values(found)


def example_claim_returned() -> dict[str, Value] | None:
    found = _latest_claim(ClaimStatus.RETURNED) or _latest_claim(ClaimStatus.ACCEPTED, ClaimStatus.SUBMITTED)
    if found is None:
        return None
    values = claim_values(found)
    values["check note"] = values["check note"] or "[check note]"  # no claim returned yet
    return values


def example_claim_rejected() -> dict[str, Value] | None:
    found = _latest_claim(ClaimStatus.REJECTED) or _latest_claim(ClaimStatus.ACCEPTED, ClaimStatus.SUBMITTED)
    if found is None:
        return None
    values = claim_values(found)
    values["check note"] = values["check note"] or "[check note]"  # no claim rejected yet
    return values
