"""Screening (the /screening pages).

- ``applications``: officers' lists of submitted applications, eligibility decisions, clarifications.
"""
