"""Who does what in the ledger (RULES.md §0 roles)."""

from opsledger.pipeline import roles

# Finance closes months and registers the people it pays.
CLOSERS = roles("finance")
REGISTRARS = roles("finance", "admin")
# Read every statement of the sites in their token: managers their sites, finance and
# payroll all (tokens for '*'), auditors read-only. Anyone else reads their own only.
STATEMENT_READERS = roles("manager", "finance", "payroll", "auditor")
PAYROLL_READERS = roles("finance", "payroll", "auditor")
