"""Deadlines (the /deadlines pages).

- ``dates``: the dates staff and grantees work to, listed by date, and the calendar feed of them.
"""
