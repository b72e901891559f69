"""The keys a member's role never gets: ``?`` leaves them out, as the footer and the palette do (each key's ``check_action``).

Each key is asked of the rule its action is judged by, with nothing but the member: a refusal for the role
(``managers_only``, ``guest_read_only``) holds whatever the key would act on; any other refusal depends on that
(the entry under the cursor, say), and the key stays listed.  A verdict's keys are asked per post (``offers``).
"""

from __future__ import annotations

from collections.abc import Iterable

from crewdeck.sync.state.rules import ROLE_RULES, MemberFacts, Refusal, approval_refused, crisis_refused, task_change_refused

#: The Budget pane's keys for approving spend: ``a``, and the marks that gather entries for it (they serve nothing else).
_APPROVING = frozenset({"ledger.approve", "ledger.mark", "ledger.clear_marks"})
#: Keys that change a task (a post's included) besides the triage keys: ``task_change_refused`` decides them.
_TASK_CHANGES = frozenset({"tasks.quick_add", "detail.set_field", "post.submit", "post.schedule", "post.pull"})


def _refusal(me: MemberFacts, binding_id: str) -> Refusal | None:
    """The rules' answer to ``me`` about a key's action on no record in particular."""
    if binding_id == "app.crisis":
        return crisis_refused(me)
    if binding_id in _APPROVING:
        return approval_refused(me, "", None, lambda: False)
    if binding_id in _TASK_CHANGES or (binding_id.startswith("triage.") and binding_id != "triage.copy"):
        return task_change_refused(me)
    return None


def refused_for_role(me: MemberFacts, binding_ids: Iterable[str]) -> frozenset[str]:
    """Those of ``binding_ids`` whose keys the rules refuse ``me`` for their role."""
    return frozenset(key for key in binding_ids if (refusal := _refusal(me, key)) is not None and refusal.rule in ROLE_RULES)
