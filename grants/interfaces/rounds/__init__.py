"""Funding rounds (the /rounds pages).

- ``funding_rounds``: what the public and staff see of a round, changes to it and the public
  eligibility check.
"""
