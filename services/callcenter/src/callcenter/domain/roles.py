"""Who may run what in the call center (RULES.md §0 roles), declared once."""

from opsledger.pipeline import roles

# Agents, shift leads and the call-center manager act on tickets, records and rosters.
CC_ROLES = roles("agent", "shift_lead", "cc_manager")
# Lists, tickets and KPIs may also be read by auditors.
READ_ROLES = CC_ROLES | roles("auditor")
# "The owner or a shift lead/manager" (CC-1) and roster changes (CC-8).
SUPERVISOR_ROLES = roles("shift_lead", "cc_manager", "admin")
SUPERVISORS = roles("shift_lead", "cc_manager")
MANAGER = roles("cc_manager")
# CC-9 (001 七: 部門經理簽字批準): the manager approves swaps.
SWAP_APPROVER_ROLES = roles("cc_manager", "admin")
