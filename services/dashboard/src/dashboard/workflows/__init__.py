"""Cross-stream workflows of the dashboard, one module per area.

None: the dashboard only keeps the facts it consumes (one `Record` stream per source
record, `domain/records`) and derives rows from them; nothing spans streams. The room is
here so every service has the same skeleton.
"""

from typing import Any

from opsledger.pipeline import Workflow

WORKFLOWS: list[Workflow[Any]] = []
