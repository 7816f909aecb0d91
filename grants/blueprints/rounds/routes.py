"""Funding rounds: the public list, eligibility check, and grants officers' management."""
