"""Messages officers send to a chosen group of people (issue 23).

- ``groups``: the groups as data (every applicant in a round, every grantee with a return overdue,
  every panel member of a round, every grantee of a round) and who is in each.
- ``sending``: checking a message, showing it as it will arrive, sending it, and the sent messages.
"""
