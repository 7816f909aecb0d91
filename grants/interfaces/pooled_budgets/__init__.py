"""Pooled budgets (the /pooled-budgets pages).

- ``agreements``: agreements, their members and budget lines, contributions and the risk-share rule.
- ``partners``: the partners in pooled budgets.
- ``figures``: a financial year's monthly actuals and forecasts, variance and year end.
- ``imports``: monthly figures read from a workbook.
"""
