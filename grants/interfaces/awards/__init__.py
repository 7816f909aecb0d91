"""Awards, from the offer to closure, and the portfolio of them (the /awards and /grants pages).

- ``awarding``: creating an award's offer, acceptance, offer deadlines, who may see an award, the
  round's budget rule (``AwardError`` and ``StaleAward`` live here).
- ``offers``: the offer an officer makes and changes: defaults, who is told, the offer letter.
- ``payments``: instalments from scheduled to paid, holds and the finance queues.
- ``payment_batches``: several instalments approved or paid at once.
- ``variations``: changes to an accepted award's amount, dates or activities.
- ``monitoring``: monitoring returns, their review and the holds they put on payments.
- ``closure``: closing an award, the underspend and any clawback.
- ``portfolio``: the portfolio in figures (the dashboard).
- ``portfolio_shares``: the portfolio's breakdowns by area, approach, strand, outcome and people.
- ``portfolio_awards``: the portfolio's awards one by one (plan delivery, 360Giving open data).
"""
