"""The DuckDB warehouse, in parts a reader can take one at a time:

- `location`: what `--db` names (a DuckDB file or a DuckLake), parsed in this one place;
- `core`: the warehouse's error, transactions that outlast other writers, lake or file;
- `connect`: opening it (waiting for, and naming, another process that holds it);
- `migrate`: the ordered migrations and the views of `sql/`;
- `load`: one batch per transaction through Arrow;
- `lookups`: what a run asks of it (known documents and articles, what to link);
- `entities`: entity merges and clean-ups after a run;
- `memory`: handing DuckDB's freed memory back to the system (a guarded shortcut);
- `audits`, `snapshot`: the audits of `sql/audits/`, a read-only copy for analysts.

Nothing is imported here: `location` is read before DuckDB is loaded (the CLI's first checks).
"""
