"""The ledger's pure domain: site-months, registered people, claimed entry ids."""
