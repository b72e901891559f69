"""Results without a UI: daily counts per post and campaign, the KPIs
defined once, the spend they are set against, reports and imports.

The CLI and the app's Results pane call these functions; nothing here
imports Textual.  Counts are integers, money integer minor units or
``Decimal``, never float; every KPI is rounded once, half to even.
"""

#: The groupings of ``crewdeck kpi report --by`` (here so the CLI's parser needs nothing else).
REPORT_GROUPINGS = ("campaign", "post", "platform", "day")
