"""The monthly ledger per person across every service (flow 5, issue 24)."""
