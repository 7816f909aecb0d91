"""Administration: the audit log and an applicant's personal data (the /admin pages).

- ``audit_log``: reading the audit log.
- ``personal_data``: one person's data exported (subject access) or erased.
"""
