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
