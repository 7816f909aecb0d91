"""The social return on investment (the /social-return pages); the model is grants.modelling's.

- ``parameters``: versioned parameter sets: drafts, publishing and withdrawing.
- ``calculator``: the calculator page's inputs, results and sensitivity.
"""
