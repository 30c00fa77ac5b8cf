"""Who may run what in the secrets registry (RULES.md §0 roles, §5), declared once.

The office of SR-1 rev.2 and SR-8 rev.2 (辦公室) is where the secrecy officer (保密員)
sits: its approvals and filings are the officer's.
"""

from opsledger.pipeline import roles

OFFICER = roles("secrecy_officer")
COMMITTEE = roles("secrecy_committee")
HEAD = roles("department_head")
LEADER = roles("unit_leader")
AUDITOR = roles("auditor")
CLEARED = roles("cleared_staff")
# SR-1: the department's proposal is made by its head or through the officer.
PROPOSERS = HEAD | OFFICER
# Personnel records: the officer, the committee and auditors (and the person, own record).
PERSONNEL_READERS = OFFICER | COMMITTEE | AUDITOR
# SR-5 … SR-7: a leaving is applied for by the person, the department or the officer.
APPLICANTS = CLEARED | HEAD | OFFICER
