"""Applications, as the applicant makes them (the /applications pages).

- ``submission``: who may see an application, drafts, answers, submission and withdrawal.
- ``documents``: supporting documents: what is missing, adding, deleting and reading them.
"""
