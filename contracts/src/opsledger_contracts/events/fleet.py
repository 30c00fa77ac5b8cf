"""Events published by fleet on `opsledger.fleet.events` (none yet: the domain lands later)."""
