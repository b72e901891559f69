"""The budget ledger without a UI: entries, approvals, budgets, rates,
reports, the period model, the new-entry form's checks, CSV and hledger.

The CLI and the app's ledger pane both call these functions; nothing here
imports Textual.  Money is integer minor units or ``Decimal``, never float
(see ``crewdeck.sync.state.money`` for the one rounding rule).
"""

#: The groupings of ``crewdeck ledger report --by`` (here so the CLI's parser needs nothing else).
REPORT_GROUPINGS = ("category", "month", "payee")
