"""Scoring rubrics (the /rubrics pages).

- ``editing``: listing, creating, changing, versioning and deleting rubrics.
"""
