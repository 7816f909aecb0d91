"""Every model, imported here so that Alembic and the app see the whole schema."""

from grants.models.accounts import ROLE_LABELS, STAFF_ROLES, Role, User, UserRole
from grants.models.applications import (
    Application,
    ApplicationDocument,
    ApplicationSection,
    ApplicationStatus,
    Clarification,
    DocumentKind,
    ReferenceCounter,
    StashedAnswers,
)
from grants.models.audit import AuditEvent
from grants.models.mail import OutboxMessage
from grants.models.organisations import LegalType, Organisation, OrganisationInvite
from grants.models.panel import (
    ConflictDeclaration,
    FundingDecision,
    FundingRecommendationRecord,
    ModeratedScore,
    PanelMember,
    ScoreSheet,
    ScoringAssignment,
    SheetStatus,
)
from grants.models.rounds import FundingRound, RoundLegalType, RoundState
from grants.models.rubrics import Rubric, RubricCriterion
from grants.models.reference import (
    AdderStrand,
    DrugsOutcome,
    LocalAuthority,
    PlanApproach,
    PlanCommitment,
    PoliceForceArea,
)

__all__ = [
    "ROLE_LABELS",
    "ConflictDeclaration",
    "FundingDecision",
    "FundingRecommendationRecord",
    "ModeratedScore",
    "PanelMember",
    "ScoreSheet",
    "ScoringAssignment",
    "SheetStatus",
    "Application",
    "ApplicationDocument",
    "ApplicationSection",
    "ApplicationStatus",
    "Clarification",
    "DocumentKind",
    "FundingRound",
    "ReferenceCounter",
    "RoundLegalType",
    "RoundState",
    "Rubric",
    "RubricCriterion",
    "StashedAnswers",
    "STAFF_ROLES",
    "AdderStrand",
    "AuditEvent",
    "DrugsOutcome",
    "LegalType",
    "LocalAuthority",
    "Organisation",
    "OrganisationInvite",
    "OutboxMessage",
    "PlanApproach",
    "PlanCommitment",
    "PoliceForceArea",
    "Role",
    "User",
    "UserRole",
]
