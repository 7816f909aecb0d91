"""The start and home pages.

- ``home``: what each role's home page shows.
- ``next_step``: what an applicant does next about an application or a grant.
"""
