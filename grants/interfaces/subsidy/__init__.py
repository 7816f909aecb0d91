"""Subsidy control: the subsidy-control section's ledger, the MFA limit check, and the subsidy database list."""
