from __future__ import annotations

import pytest

from grants.interfaces.subsidy import declaration as subsidy_declaration
from grants.models.applications import REQUIRED_DOCUMENTS, ApplicationDocument, DocumentKind
from tests.factories import ApplicationFactory, FundingRoundFactory
from tests.helpers import error_messages, post


@pytest.fixture
def open_round(db):
    return FundingRoundFactory(name="Community Safety Fund 2026")


@pytest.fixture
def draft(db, users, open_round):
    """A draft application of organisation A to the open round."""
    return ApplicationFactory(funding_round=open_round, organisation=users["org_a"], project_title=None)


@pytest.fixture
def applicant(as_role):
    return as_role("applicant")


def add_required_documents(db, application) -> None:
    """Document rows for the required kinds (the content checks are tested with the uploads)."""
    for n, kind in enumerate(REQUIRED_DOCUMENTS):
        db.session.add(ApplicationDocument(
            application=application, kind=kind, original_filename=f"{kind.value}.pdf",
            stored_name=f"test-{application.id}-{n}", content_type="application/pdf", size_bytes=10, sha256="0" * 64,
        ))
    db.session.flush()


def answer_subsidy_control(client, application, economic: str = "no") -> None:
    """Answer the subsidy-control section through its page, which a charity, CIO or company must
    answer before submitting: by default ‘No’ (the project is not economic activity, so no amounts).
    Nothing to answer for a body that is not asked (an unincorporated or faith group)."""
    if subsidy_declaration.applies(application):
        response = post(client, f"/applications/{application.id}/subsidy-control", {"economic": economic})
        assert response.status_code == 302, error_messages(response)


__all__ = ["DocumentKind", "add_required_documents", "answer_subsidy_control"]
