"""Public-sector duties, first part: subsidy control, the commissioner's decision notices, due diligence
and the registers it checks against, and office settings.

- ``office_settings``: settings an administrator changes (the MFA limit and its source, the decision
  maker's name and office, decision numbering); a missing row means the shipped default.
- ``subsidy_entries``: each organisation's ledger of MFA and SPEI assistance, declared or given by the
  office; ``awards.subsidy_basis``, ``mfa_statement`` and ``mfa_confirmed_at``.
- ``repayments.last_reminded_at``: repayments are chased by the daily reminders.
- ``bank_details``: organisations' bank details, encrypted, verified by a finance officer's call-back;
  ``instalments.second_approved_at`` and ``second_approved_by_id``: the second approval a payment needs
  soon after a change of bank details.
- ``payment_runs`` and ``instalments.payment_run_id``: approved instalments paid together from one bank
  file and journal; ``funding_rounds.cost_centre`` and ``account_code`` for the journal.
- ``claims`` and ``claim_documents``: paying on claim (``funding_rounds.payment_basis`` and
  ``claim_tolerance_percent``), each claim's spend by budget line and its evidence.
- ``decision_notices``: the commissioner's published decision on a round's funding.
- ``funding_rounds.due_diligence`` (the round's checklist, as data) and ``due_diligence_checks``.
- ``register_extracts`` and ``register_entries``: the Charity Commission's and Companies House's
  published data, imported.

Columns are added with plain ``ALTER TABLE`` on SQLite, never batch mode (see 0016 and 0018).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 21:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

BASIS_CHECK = "subsidy_basis IN ('mfa', 'not_a_subsidy')"
PAYMENT_BASIS_CHECK = "payment_basis IN ('schedule', 'claims')"
NEW_TABLES = (
    "claim_documents",
    "claims",
    "payment_runs",
    "bank_details",
    "subsidy_entries",
    "due_diligence_checks",
    "decision_notices",
    "register_entries",
    "register_extracts",
    "office_settings",
)


def upgrade():
    op.create_table(
        "office_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_office_settings_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_office_settings")),
    )
    op.create_table(
        "register_extracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "register",
            sa.Enum("charity", "company", name="register", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("extract_date", sa.Date(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["users.id"],
            name=op.f("fk_register_extracts_imported_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_extracts")),
    )
    op.create_index(op.f("ix_register_extracts_register"), "register_extracts", ["register"])

    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "register",
            sa.Enum("charity", "company", name="register", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("in_administration", sa.Boolean(), nullable=False),
        sa.Column("insolvent", sa.Boolean(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("extract_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["extract_id"],
            ["register_extracts.id"],
            name=op.f("fk_register_entries_extract_id_register_extracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entries")),
        sa.UniqueConstraint("register", "number", name=op.f("uq_register_entries_register_number")),
    )
    op.create_index(op.f("ix_register_entries_extract_id"), "register_entries", ["extract_id"])

    op.create_table(
        "decision_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("decision_maker_name", sa.String(length=200), nullable=False),
        sa.Column("decision_maker_office", sa.String(length=300), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("financial_implications", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("conflicts_of_interest", sa.Text(), nullable=False),
        sa.Column("grants", sa.JSON(), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["funding_decisions.id"],
            name=op.f("fk_decision_notices_decision_id_funding_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["funding_rounds.id"],
            name=op.f("fk_decision_notices_round_id_funding_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["users.id"], name=op.f("fk_decision_notices_signed_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_notices")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_decision_notices_decision_id")),
        sa.UniqueConstraint("number", name=op.f("uq_decision_notices_number")),
        sa.UniqueConstraint("round_id", name=op.f("uq_decision_notices_round_id")),
    )
    op.create_index(op.f("ix_decision_notices_signed_at"), "decision_notices", ["signed_at"])

    op.create_table(
        "due_diligence_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=60), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "met",
                "not_met",
                "not_needed",
                name="check_outcome",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_due_diligence_checks_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"],
            ["users.id"],
            name=op.f("fk_due_diligence_checks_checked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_diligence_checks")),
        sa.UniqueConstraint("application_id", "item_id", name=op.f("uq_due_diligence_checks_application_id_item_id")),
    )
    op.create_index(op.f("ix_due_diligence_checks_application_id"), "due_diligence_checks", ["application_id"])

    op.create_table(
        "subsidy_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("mfa", "spei", name="assistance_kind", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum("declared", "opcc", name="assistance_source", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("giver", sa.String(length=200), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_subsidy_entries_application_id_applications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_subsidy_entries_award_id_awards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_subsidy_entries_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_subsidy_entries_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_entries")),
    )
    op.create_index(op.f("ix_subsidy_entries_application_id"), "subsidy_entries", ["application_id"])
    op.create_index(op.f("ix_subsidy_entries_award_id"), "subsidy_entries", ["award_id"])
    op.create_index(op.f("ix_subsidy_entries_organisation_id"), "subsidy_entries", ["organisation_id"])

    op.create_table(
        "bank_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("account_name", sa.Text(), nullable=False),
        sa.Column("sort_code", sa.Text(), nullable=False),
        sa.Column("account_number", sa.Text(), nullable=False),
        sa.Column("roll_number", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "verified",
                "rejected",
                "replaced",
                name="bank_details_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("callback_contact", sa.String(length=200), nullable=True),
        sa.Column("callback_phone", sa.String(length=40), nullable=True),
        sa.Column("callback_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_bank_details_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_bank_details_entered_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bank_details_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_details")),
    )
    op.create_index(op.f("ix_bank_details_organisation_id"), "bank_details", ["organisation_id"])
    op.create_table(
        "payment_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=18), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "prepared",
                "paid",
                "cancelled",
                name="payment_run_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_payment_runs_closed_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_payment_runs_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_runs")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_runs_reference")),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "accepted",
                "rejected",
                name="claim_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("check_note", sa.Text(), nullable=True),
        sa.Column("instalment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_claims_award_id_awards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["users.id"], name=op.f("fk_claims_checked_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["instalment_id"], ["instalments.id"], name=op.f("fk_claims_instalment_id_instalments"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_claims_submitted_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("award_id", "number", name=op.f("uq_claims_award_id_number")),
        sa.UniqueConstraint("instalment_id", name=op.f("uq_claims_instalment_id")),
    )
    op.create_index(op.f("ix_claims_award_id"), "claims", ["award_id"])

    op.create_table(
        "claim_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_documents_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_claim_documents_uploaded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_documents")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_claim_documents_stored_name")),
    )
    op.create_index(op.f("ix_claim_documents_claim_id"), "claim_documents", ["claim_id"])

    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE funding_rounds ADD COLUMN payment_basis VARCHAR(20) DEFAULT 'schedule' NOT NULL "
            f"CONSTRAINT ck_funding_rounds_payment_basis CHECK ({PAYMENT_BASIS_CHECK})"
        )
        op.execute(
            "ALTER TABLE funding_rounds ADD COLUMN claim_tolerance_percent NUMERIC(5, 2) DEFAULT '10.00' NOT NULL"
        )
        op.execute("ALTER TABLE instalments ADD COLUMN payment_run_id INTEGER REFERENCES payment_runs (id)")
        op.execute("ALTER TABLE funding_rounds ADD COLUMN cost_centre VARCHAR(20)")
        op.execute("ALTER TABLE funding_rounds ADD COLUMN account_code VARCHAR(20)")
        op.execute("ALTER TABLE instalments ADD COLUMN second_approved_at DATETIME")
        op.execute("ALTER TABLE instalments ADD COLUMN second_approved_by_id INTEGER REFERENCES users (id)")
        op.execute(
            "ALTER TABLE awards ADD COLUMN subsidy_basis VARCHAR(20) "
            f"CONSTRAINT ck_awards_subsidy_basis CHECK ({BASIS_CHECK})"
        )
        op.execute("ALTER TABLE awards ADD COLUMN mfa_statement TEXT")
        op.execute("ALTER TABLE awards ADD COLUMN mfa_confirmed_at DATETIME")
        op.execute("ALTER TABLE repayments ADD COLUMN last_reminded_at DATETIME")
        op.execute("ALTER TABLE funding_rounds ADD COLUMN due_diligence JSON DEFAULT '[]' NOT NULL")
    else:
        op.add_column("awards", sa.Column("subsidy_basis", sa.String(20), nullable=True))
        op.create_check_constraint(op.f("ck_awards_subsidy_basis"), "awards", BASIS_CHECK)
        op.add_column("awards", sa.Column("mfa_statement", sa.Text(), nullable=True))
        op.add_column("awards", sa.Column("mfa_confirmed_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column("repayments", sa.Column("last_reminded_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(
            "funding_rounds", sa.Column("payment_basis", sa.String(20), server_default="schedule", nullable=False)
        )
        op.create_check_constraint(op.f("ck_funding_rounds_payment_basis"), "funding_rounds", PAYMENT_BASIS_CHECK)
        op.add_column(
            "funding_rounds",
            sa.Column("claim_tolerance_percent", sa.Numeric(5, 2), server_default="10.00", nullable=False),
        )
        op.add_column("instalments", sa.Column("payment_run_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_instalments_payment_run_id_payment_runs"),
            "instalments",
            "payment_runs",
            ["payment_run_id"],
            ["id"],
        )
        op.add_column("funding_rounds", sa.Column("cost_centre", sa.String(20), nullable=True))
        op.add_column("funding_rounds", sa.Column("account_code", sa.String(20), nullable=True))
        op.add_column("instalments", sa.Column("second_approved_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column("instalments", sa.Column("second_approved_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_instalments_second_approved_by_id_users"),
            "instalments",
            "users",
            ["second_approved_by_id"],
            ["id"],
        )
        op.add_column("funding_rounds", sa.Column("due_diligence", sa.JSON(), server_default="[]", nullable=False))
    _index_runs()


def _index_runs():
    op.create_index(op.f("ix_instalments_payment_run_id"), "instalments", ["payment_run_id"])


def downgrade():
    op.drop_index(op.f("ix_instalments_payment_run_id"), table_name="instalments")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35 and later; the subsidy_basis CHECK goes with its column.
        op.execute("ALTER TABLE funding_rounds DROP COLUMN due_diligence")
        op.execute("ALTER TABLE repayments DROP COLUMN last_reminded_at")
        op.execute("ALTER TABLE instalments DROP COLUMN second_approved_by_id")
        op.execute("ALTER TABLE instalments DROP COLUMN payment_run_id")
        op.execute("ALTER TABLE funding_rounds DROP COLUMN cost_centre")
        op.execute("ALTER TABLE funding_rounds DROP COLUMN payment_basis")
        op.execute("ALTER TABLE funding_rounds DROP COLUMN claim_tolerance_percent")
        op.execute("ALTER TABLE funding_rounds DROP COLUMN account_code")
        op.execute("ALTER TABLE instalments DROP COLUMN second_approved_at")
        for column in ("mfa_confirmed_at", "mfa_statement", "subsidy_basis"):
            op.execute(f"ALTER TABLE awards DROP COLUMN {column}")
    else:
        op.drop_column("funding_rounds", "due_diligence")
        op.drop_column("repayments", "last_reminded_at")
        op.drop_constraint(op.f("fk_instalments_second_approved_by_id_users"), "instalments", type_="foreignkey")
        op.drop_column("instalments", "second_approved_by_id")
        op.drop_constraint(op.f("fk_instalments_payment_run_id_payment_runs"), "instalments", type_="foreignkey")
        op.drop_column("instalments", "payment_run_id")
        op.drop_column("funding_rounds", "cost_centre")
        op.drop_constraint(op.f("ck_funding_rounds_payment_basis"), "funding_rounds", type_="check")
        op.drop_column("funding_rounds", "payment_basis")
        op.drop_column("funding_rounds", "claim_tolerance_percent")
        op.drop_column("funding_rounds", "account_code")
        op.drop_column("instalments", "second_approved_at")
        op.drop_constraint(op.f("ck_awards_subsidy_basis"), "awards", type_="check")
        for column in ("mfa_confirmed_at", "mfa_statement", "subsidy_basis"):
            op.drop_column("awards", column)
    for table in NEW_TABLES:
        op.drop_table(table)  # their indexes go with them
