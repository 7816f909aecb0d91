"""Applicant organisations (the /organisations and /invites pages).

- ``membership``: who may see an organisation, changes to it, and invitations to join it.
"""
