"""Applications to a funding round: answers by section, documents, screening and clarifications."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from grants.extensions import Model, db
from grants.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from grants.models.accounts import User
    from grants.models.organisations import Organisation
    from grants.models.reference import LocalAuthority, PlanApproach
    from grants.models.round_forms import RoundForm
    from grants.models.rounds import FundingRound


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    INELIGIBLE = "ineligible"
    UNDER_ASSESSMENT = "under_assessment"
    SUCCESSFUL = "successful"
    UNSUCCESSFUL = "unsuccessful"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return STATUS_TAG_COLOURS[self]


STATUS_LABELS = {
    ApplicationStatus.DRAFT: "Draft",
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
    ApplicationStatus.INELIGIBLE: "Ineligible",
    ApplicationStatus.UNDER_ASSESSMENT: "Under assessment",
    ApplicationStatus.SUCCESSFUL: "Successful",
    ApplicationStatus.UNSUCCESSFUL: "Unsuccessful",
}
STATUS_TAG_COLOURS = {
    ApplicationStatus.DRAFT: "govuk-tag--grey",
    ApplicationStatus.SUBMITTED: "govuk-tag--blue",
    ApplicationStatus.WITHDRAWN: "govuk-tag--grey",
    ApplicationStatus.INELIGIBLE: "govuk-tag--red",
    ApplicationStatus.UNDER_ASSESSMENT: "govuk-tag--purple",
    ApplicationStatus.SUCCESSFUL: "govuk-tag--green",
    ApplicationStatus.UNSUCCESSFUL: "govuk-tag--orange",
}
# An expression of interest is "successful" when shortlisted for the full application.
EOI_STATUS_LABELS = {
    ApplicationStatus.SUCCESSFUL: "Shortlisted",
    ApplicationStatus.UNSUCCESSFUL: "Not shortlisted",
}
# Applicants may withdraw until a decision is made.
WITHDRAWABLE = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT}
)

class ApplicationStage(StrEnum):
    """Which stage of a round an application is: a two-stage round's short expression of interest
    (answering the round's expression-of-interest form) or a full bid (its application form)."""

    EXPRESSION_OF_INTEREST = "expression_of_interest"
    FULL = "full"

    @property
    def label(self) -> str:
        return "Expression of interest" if self is ApplicationStage.EXPRESSION_OF_INTEREST else "Full application"


application_local_authorities = Table(
    "application_local_authorities",
    db.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("local_authority_id", ForeignKey("local_authorities.id", ondelete="CASCADE"), primary_key=True),
    # The officers' list filtered by area: an area's applications read from the index alone.
    Index("ix_application_local_authorities_local_authority", "local_authority_id", "application_id"),
)
application_approaches = Table(
    "application_approaches",
    db.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("approach_id", ForeignKey("plan_approaches.id", ondelete="CASCADE"), primary_key=True),
)


class Application(Model):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_round_status", "round_id", "status"),
        # The officers' list of a round's applications, sorted by date submitted or by amount.
        Index("ix_applications_round_submitted", "round_id", "submitted_at"),
        Index("ix_applications_round_amount", "round_id", "amount_requested"),
        # The officers' list's page of ids (grants.interfaces.paging): a round's full applications at
        # the listed statuses, with what each sort and the organisation join need, from the index
        # alone on PostgreSQL (an index-only scan), not from the full-width rows.
        Index("ix_applications_round_listing", "round_id", "stage", "status",
              postgresql_include=["id", "organisation_id", "reference", "amount_requested", "submitted_at"]),
        # The officers' list sorted by organisation: a round's listed applications in name order, so that
        # a deep page walks the index to its rows and stops (with the status the list filters by).
        Index("ix_applications_round_organisation", "round_id", "organisation_sort", "id",
              postgresql_include=["status", "organisation_id"],
              postgresql_where=text("stage = 'full' AND status <> 'draft'"),
              sqlite_where=text("stage = 'full' AND status <> 'draft'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    # The organisation's name in lower case, as the officers' list sorts it (SQL's lower(), written with
    # the row and again when the organisation is renamed: grants.interfaces.screening.list_counts).
    # Nullable in the schema only (migration 0028 says why); never empty.
    organisation_sort: Mapped[str] = mapped_column(String(200), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The version of the round's application form this application answers (the one current when it
    # started); None only for one made outside the service, which answers the round's current form.
    form_id: Mapped[int | None] = mapped_column(ForeignKey("round_forms.id"))
    stage: Mapped[ApplicationStage] = mapped_column(
        enum_type(ApplicationStage, "application_stage", 30), default=ApplicationStage.FULL,
        server_default=ApplicationStage.FULL.value,
    )
    # A full application started from a shortlisted expression of interest: that expression of interest.
    expression_of_interest_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id"), index=True, unique=True
    )
    # An expression of interest's shortlisting: the officer's decision (status SUCCESSFUL when
    # shortlisted, UNSUCCESSFUL when not), the reason the applicant sees, when and by whom.
    shortlist_reason: Mapped[str | None] = mapped_column(Text)
    shortlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # (No ON DELETE on these two: SQLite adds a column's foreign key without one; accounts are never deleted.)
    shortlisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, "application_status", 20), default=ApplicationStatus.DRAFT
    )
    # "CGS-2026-0042", given at submission.
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    # Kept in step with the answers, for lists, filters and sorting.
    project_title: Mapped[str | None] = mapped_column(String(200))
    amount_requested: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # The organisation's details as they were when the application was submitted.
    organisation_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Why an application failed screening; the applicant sees it.
    screening_reason: Mapped[str | None] = mapped_column(Text)
    # The officer's feedback on the funding decision; the applicant sees it once published.
    # Never names a panel member or gives an individual score.
    feedback: Mapped[str | None] = mapped_column(Text)
    feedback_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    funding_round: Mapped[FundingRound] = relationship(back_populates="applications")
    organisation: Mapped[Organisation] = relationship()
    form: Mapped[RoundForm | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    screened_by: Mapped[User | None] = relationship(foreign_keys=[screened_by_id])
    shortlisted_by: Mapped[User | None] = relationship(foreign_keys=[shortlisted_by_id])
    expression_of_interest: Mapped[Application | None] = relationship(
        remote_side=[id], foreign_keys=[expression_of_interest_id]
    )
    partners: Mapped[list[ApplicationPartner]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationPartner.position"
    )
    sections: Mapped[list[ApplicationSection]] = relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin"
    )
    documents: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationDocument.uploaded_at"
    )
    clarifications: Mapped[list[Clarification]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Clarification.asked_at"
    )
    local_authorities: Mapped[list[LocalAuthority]] = relationship(
        secondary=application_local_authorities, order_by="LocalAuthority.position"
    )
    approaches: Mapped[list[PlanApproach]] = relationship(
        secondary=application_approaches, order_by="PlanApproach.position"
    )

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.reference or 'draft'}>"

    def section(self, key: str) -> ApplicationSection | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def is_editable(self) -> bool:
        return self.status is ApplicationStatus.DRAFT

    @property
    def can_withdraw(self) -> bool:
        return self.status in WITHDRAWABLE

    @property
    def is_expression_of_interest(self) -> bool:
        return self.stage is ApplicationStage.EXPRESSION_OF_INTEREST

    @property
    def noun(self) -> str:
        """What people call it in a sentence: "expression of interest" or "application"."""
        return "expression of interest" if self.is_expression_of_interest else "application"

    @property
    def status_label(self) -> str:
        """The status in words; an expression of interest's decision is its shortlisting."""
        if self.is_expression_of_interest:
            return EOI_STATUS_LABELS.get(self.status, self.status.label)
        return self.status.label

    @property
    def status_tag_colour(self) -> str:
        return self.status.tag_colour


class ApplicationPartner(Model):
    """A partner organisation named on a bid (a consortium bid): who they are, what they do, how much of
    the amount asked they will spend, and a contact who may be invited to view and contribute to the
    application. The lead organisation (the application's) stays accountable for the grant.

    The invitation works as an organisation's (OrganisationInvite): only the token's hash is stored.
    Once accepted, ``user_id`` is the contact's account, which may then open this application."""

    __tablename__ = "application_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    charity_number: Mapped[str | None] = mapped_column(String(20))
    company_number: Mapped[str | None] = mapped_column(String(20))
    # What the partner does on the project.
    role: Mapped[str] = mapped_column(Text, default="")
    # The part of the amount asked that the partner will spend.
    budget_share: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invite_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship(back_populates="partners")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<ApplicationPartner {self.id} {self.name!r} on application {self.application_id}>"


class ApplicationSection(Model):
    """One section's answers, kept as typed (even when not yet valid) so nothing is lost."""

    __tablename__ = "application_sections"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship(back_populates="sections")


class DocumentKind(StrEnum):
    CONSTITUTION = "constitution"
    ACCOUNTS = "accounts"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    OTHER = "other"

    @property
    def label(self) -> str:
        return DOCUMENT_KIND_LABELS[self]


DOCUMENT_KIND_LABELS = {
    DocumentKind.CONSTITUTION: "Constitution or governing document",
    DocumentKind.ACCOUNTS: "Latest annual accounts",
    DocumentKind.SAFEGUARDING_POLICY: "Safeguarding policy",
    DocumentKind.OTHER: "Other supporting document",
}
REQUIRED_DOCUMENTS = (DocumentKind.CONSTITUTION, DocumentKind.ACCOUNTS, DocumentKind.SAFEGUARDING_POLICY)


class ApplicationDocument(Model):
    """An uploaded file, stored outside the web root under a random name."""

    __tablename__ = "application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind, "document_kind", 30))
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship(back_populates="documents")
    uploaded_by: Mapped[User | None] = relationship()


class Clarification(Model):
    """A grants officer's question about an application, and the applicant's answer."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="clarifications")
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class StashedAnswers(Model):
    """Answers posted after the applicant's session had expired, kept until they sign in again.

    Only the token's hash is stored; the token itself lives in a cookie of the browser that typed
    the answers, so nobody else can put words into an application.
    """

    __tablename__ = "stashed_answers"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    section_key: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ReferenceCounter(Model):
    """The last number given out per series, for references such as CGS-2026-0042."""

    __tablename__ = "reference_counters"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)



# The organisation's sort key: written with the row (as SQL, from the organisation's row, so that it is
# SQL's lower() on either database), again if the application moves organisation, and on every
# application of an organisation renamed (after the flush that renames it, in the same transaction).
def _sort_key(organisation_id: int):
    from grants.models.organisations import Organisation

    return select(func.lower(Organisation.name)).where(Organisation.id == organisation_id).scalar_subquery()


@event.listens_for(Application, "before_insert")
def _sort_key_on_insert(_mapper, _connection, application: Application) -> None:
    application.organisation_sort = _sort_key(application.organisation_id)


@event.listens_for(Application, "before_update")
def _sort_key_on_move(_mapper, _connection, application: Application) -> None:
    if inspect(application).attrs.organisation_id.history.has_changes():
        application.organisation_sort = _sort_key(application.organisation_id)


@event.listens_for(Session, "after_flush")
def _sort_keys_of_renamed(session: Session, _context) -> None:
    from grants.models.organisations import Organisation

    for instance in session.dirty:
        if isinstance(instance, Organisation) and inspect(instance).attrs.name.history.has_changes():
            table = cast(Table, Application.__table__)
            session.connection().execute(
                update(table).where(table.c.organisation_id == instance.id)
                .values(organisation_sort=func.lower(instance.name)))


@event.listens_for(Session, "do_orm_execute")
def _sort_keys_after_a_bulk_update(state):
    """An UPDATE statement of organisations (not through their objects) keys again every application
    whose key no longer matches its organisation's name. The app renames through the objects; this
    keeps the key right for a statement all the same."""
    from grants.models.organisations import Organisation

    # (an ORM update(Organisation) names an annotated copy of the table: equal to it, not the same object)
    if not state.is_update or getattr(state.statement, "table", None) not in {Organisation.__table__}:
        return None
    result = state.invoke_statement()
    table = cast(Table, Application.__table__)
    key = select(func.lower(Organisation.name)).where(Organisation.id == table.c.organisation_id).scalar_subquery()
    state.session.connection().execute(
        update(table).where(table.c.organisation_sort.is_distinct_from(key)).values(organisation_sort=key))
    return result

class ApplicationListRound(Model):
    """A round whose officers' list counts are kept (``application_list_counts``); its row is the lock
    taken to work them out again. A round without one has its list counted on each view."""

    __tablename__ = "application_list_rounds"

    round_id: Mapped[int] = mapped_column(ForeignKey("funding_rounds.id", ondelete="CASCADE"), primary_key=True)
    worked_out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApplicationListCount(Model):
    """How many of a round's full applications are at one status, in one area (``local_authority_id``)
    or in any (0): the officers' list's totals and its status counts, read rather than counted."""

    __tablename__ = "application_list_counts"

    round_id: Mapped[int] = mapped_column(ForeignKey("application_list_rounds.round_id", ondelete="CASCADE"),
                                          primary_key=True)
    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    local_authority_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applications: Mapped[int] = mapped_column(Integer, default=0)
