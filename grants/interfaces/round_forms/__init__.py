"""The forms each round asks, stored as versioned data (the /rounds/<id>/form.json download and the
``flask forms`` commands).

- ``versions``: a round's current form of each kind, saving a new version (frozen once the round
  opens, but for an administrator's override with a reason), copying from another round, and the
  JSON import and export of docs/form-definitions.md.
"""
