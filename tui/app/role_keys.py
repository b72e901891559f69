"""The keys a member's role never gets: ``?`` leaves them out, as the footer and the palette do (each key's ``check_action``).

Each key is asked of the rule its action is judged by, with nothing but the member: a refusal for the role
(``managers_only``, ``guest_read_only``) holds whatever the key would act on; any other refusal depends on that
(the entry under the cursor, say), and the key stays listed.
"""

from __future__ import annotations

from crewdeck.sync.state.rules import MemberFacts, Refusal, approval_refused, crisis_refused

#: The rule codes that refuse a member for their role, not for what they act on.
ROLE_RULES = frozenset({"managers_only", "guest_read_only"})


def _asked(me: MemberFacts) -> dict[str, Refusal | None]:
    """Each role-bound key's binding id, and the rules' answer to ``me`` about its action on no record in particular."""
    return {
        "app.crisis": crisis_refused(me),
        "ledger.approve": approval_refused(me, "", None, lambda: False),
    }


def refused_for_role(me: MemberFacts) -> frozenset[str]:
    """The binding ids of the keys the rules refuse ``me`` for their role."""
    return frozenset(key for key, refusal in _asked(me).items() if refusal is not None and refusal.rule in ROLE_RULES)
