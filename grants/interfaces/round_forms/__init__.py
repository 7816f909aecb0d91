"""The forms each round asks, stored as versioned data (the /rounds/<id>/form.json download, the
``flask forms`` commands and the officers' form builder).

- ``versions``: a round's current form of each kind, saving a new version (frozen once the round
  opens, but for an administrator's override with a reason), the builder's changes (in place until
  the round opens), copying from another round, and the JSON import and export of
  docs/form-definitions.md.
- ``editing``: the builder's changes to a definition (add, change, remove, move a question or a
  section), each checked as a whole by the engine.
- ``describe``: a definition in words for the builder: types, limits, conditions, the engine's problems.
"""
