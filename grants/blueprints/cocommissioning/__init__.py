"""Regional co-commissioning: saved scenarios of who joins a service and how its cost is shared,
their comparison, drop-out and sensitivity analysis, spreadsheets, and the areas' reference figures."""

from flask import Blueprint

from grants.models.accounts import Role

bp = Blueprint("cocommissioning", __name__, url_prefix="/co-commissioning")

# Who may see, work out, save and download scenarios; who may change the areas' figures; and who
# chooses the preferred option (the commissioner's decision).
USERS = (Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.ADMIN)
FIGURE_EDITORS = (Role.COMMISSIONER, Role.ADMIN)
DECIDERS = (Role.COMMISSIONER,)

from grants.blueprints.cocommissioning import analysis, display, downloads, figures, scenarios  # noqa: E402,F401
