"""Who may do what with renovation permits (RULES.md §0 roles), declared once.

Owners and contractors are not users: staff record what they signed.
"""

from opsledger.pipeline import roles

FRONT_DESK = roles("front_desk")
ENGINEERING = roles("engineering")
CONCIERGE = roles("concierge")
# Customer service (客戶服務部) staff; its director is the role fleet calls depot_director.
CUSTOMER_SERVICE = roles("customer_service", "depot_director")
FINANCE = roles("finance")
SECURITY = roles("security")
MANAGER = roles("manager")
AUDITOR = roles("auditor")

# Who keeps the unit register (front desk takes applications against it).
REGISTER_KEEPERS = FRONT_DESK | CUSTOMER_SERVICE | MANAGER
# Who reads the board, a unit's history and the KPIs: every department involved.
PERMIT_READERS = (
    FRONT_DESK | ENGINEERING | CONCIERGE | CUSTOMER_SERVICE | FINANCE | SECURITY | MANAGER | AUDITOR
)
# Who reads fees and refunds (money owed to owners or contractors).
MONEY_READERS = FINANCE | CUSTOMER_SERVICE | MANAGER | AUDITOR
