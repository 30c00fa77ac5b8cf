"""OpsLedger operations dashboard: KPI cards per site fed only by published events."""
