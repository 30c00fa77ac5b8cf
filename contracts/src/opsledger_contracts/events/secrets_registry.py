"""Events published by secrets_registry on `opsledger.secrets_registry.events` (none yet: the domain lands later)."""
