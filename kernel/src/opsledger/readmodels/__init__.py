"""Read models derived from an aggregate's state: `rows(state)`, never a second evolve.

A read model declares its columns and how one aggregate state becomes rows. The kernel
owns the table: its physical name carries a hash of the definition (columns, indexes,
revision, and the source of `rows` and of the aggregate's `evolve`), so a changed
definition is a new table, built from the events beside the old one at start-up
(readers never see an empty table). The old table stays while replicas of the previous
version use it (`registry`), so a rolling deploy and a rollback both keep serving. When
a stream changes, its rows are replaced by `rows(new_state)`, with the checkpoint in the
same transaction.

Modules: `model` (the definition), `columns` (a column naming the state attribute it
shows, whence `rows` and the answer model), `views` (a command's answer read from the
state, `StateView`), `fold` (the log folded in memory), `tables` (writing
rows), `backend` (what PostgreSQL and SQLite do differently), `registry` (tables in use),
`runner` (build, rebuild, live passes).
"""

from opsledger.readmodels.columns import Row, column, response_model
from opsledger.readmodels.fold import Progress, fold_all
from opsledger.readmodels.model import SOURCE_COLUMN, ReadModel, UtcDateTime
from opsledger.readmodels.registry import registry as _registry
from opsledger.readmodels.runner import ReadModelRunner, StateCache
from opsledger.readmodels.tables import write_table
from opsledger.readmodels.views import From, StateView

# Tables the kernel creates at run time besides the read models' own (not migrated).
RUNTIME_TABLES = frozenset({_registry.name})

__all__ = [
    "RUNTIME_TABLES",
    "SOURCE_COLUMN",
    "From",
    "Progress",
    "ReadModel",
    "ReadModelRunner",
    "Row",
    "StateCache",
    "StateView",
    "UtcDateTime",
    "column",
    "fold_all",
    "response_model",
    "write_table",
]
