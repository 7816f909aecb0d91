"""Demo data for trying the service (``flask demo seed``): never run against production data.

Idempotent: run it again and it adds only what is missing. Seed in this order (later parts read
what earlier ones made); the names below are the entry points the CLI uses.

- ``accounts``: one account per role and two applicant organisations; the demo password and
  staff authenticator key.
- ``rounds``: funding rounds (open, closed under assessment, decided) and their applications.
- ``panel``: the closed round's panel and scores, and feedback on the decided round.
- ``awards``: awards in each state: accepted, part-paid, reporting, held, varied, offered.
- ``pooled``: a pooled-budget agreement with a closed year of actuals.
- ``cocommissioning``: co-commissioning scenarios for the treatment pathway.
"""

from grants.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, seed_demo
from grants.demo.awards import demo_logins, seed_awards
from grants.demo.cocommissioning import seed_cocommissioning
from grants.demo.panel import seed_feedback, seed_panel
from grants.demo.pooled import seed_pooled_budget
from grants.demo.rounds import seed_rounds

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "DEMO_USERS",
    "demo_logins",
    "seed_awards",
    "seed_cocommissioning",
    "seed_demo",
    "seed_feedback",
    "seed_panel",
    "seed_pooled_budget",
    "seed_rounds",
]


def seed_everything() -> list:
    """Every part of the demo, in the order they need; returns the demo staff accounts. The caller
    commits. (``flask demo seed`` and the tests that need the whole demo call this, so that they seed
    the same thing.)"""
    from grants.demo import bank_details as demo_bank_details
    from grants.demo import bulk_messages as demo_bulk_messages
    from grants.demo import claims as demo_claims
    from grants.demo import decisions as demo_decisions
    from grants.demo import due_diligence as demo_due_diligence
    from grants.demo import messages as demo_messages
    from grants.demo import payment_runs as demo_payment_runs
    from grants.demo import subsidy as demo_subsidy
    from grants.demo.partners import seed_partners
    from grants.interfaces.cocommissioning.scenarios import ensure_areas
    from grants.interfaces.pooled_budgets.partners import ensure_partners
    from grants.interfaces.social_return.parameters import ensure_default_set
    from grants.reference_data import load_reference_data

    load_reference_data()
    ensure_partners()
    ensure_default_set()
    ensure_areas()
    users = seed_demo()
    seed_rounds()
    seed_panel()
    seed_feedback()
    seed_awards()
    seed_partners()  # the consortium bid: after the awards, as its award is one of them
    seed_pooled_budget()
    seed_cocommissioning()
    # Public-sector duties: a signed decision notice, an organisation near the MFA limit, a bid held by
    # due diligence and a register mismatch.
    demo_decisions.seed()
    demo_subsidy.seed()
    demo_due_diligence.seed()
    demo_bank_details.seed()
    demo_payment_runs.seed()  # after the bank details: a run pays verified accounts only
    demo_claims.seed()
    # Communications: a message thread on an award, and a message to a round's applicants.
    demo_messages.seed()
    demo_bulk_messages.seed()
    return users
