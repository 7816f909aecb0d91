"""The assessment panel (the /panel pages); the calculations are the ``scoring`` package's.

- ``assignment``: the rounds and bids a panel scores, members, conflicts of interest and assignment
  (``PanelError`` and ``BID_STATUSES`` live here).
- ``membership``: choosing who sits on a round's panel.
- ``notices``: emails telling members the bids they have to score.
- ``queue``: a panel member's queue of rounds and bids.
- ``score_sheets``: members' score sheets: saving and submitting scores.
- ``results``: a round's panel scores, disagreements, reliability, ranking and moderation.
- ``standing``: the results page's ranking, worked out once and cached.
- ``reports``: what the officer's panel pages and the scoring spreadsheet show.
- ``decisions``: the funding recommendation and the commissioner's approval.
- ``feedback``: feedback to applicants on a decided bid.
"""
