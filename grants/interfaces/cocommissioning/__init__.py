"""Regional co-commissioning between the South West PCCs (the /co-commissioning pages).

- ``scenarios``: saved scenarios, their versions, copies and the preferred option (and the areas'
  names, re-exported from ``areas``).
- ``areas``: the force areas as partners and their starting figures.
- ``returns``: a scenario worked out, with each partner's social return.
"""
