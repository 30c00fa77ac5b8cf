"""Events published by secrets_registry on `opsledger.secrets_registry.events`.

None yet: the domain lands later.
"""
