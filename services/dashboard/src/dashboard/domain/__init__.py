"""The dashboard's pure side: the facts it keeps and the KPI catalogue."""
