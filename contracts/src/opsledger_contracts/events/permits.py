"""Events published by permits on `opsledger.permits.events` (none yet: the domain lands later)."""
