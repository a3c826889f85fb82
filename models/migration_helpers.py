"""What Tortoise's SQLite migrations lose, put back.

SQLite cannot add a CHECK constraint to a table, so Tortoise rebuilds the table; the rebuilt
table keeps its columns but not its composite UNIQUE constraints (`unique_together`). A
migration that adds CHECK constraints ends with `RunPython(restore_unique_together)`.
PostgreSQL keeps them and is left alone.
"""

from __future__ import annotations

from typing import Any


async def restore_unique_together(apps: Any, schema_editor: Any) -> None:
    if schema_editor.DIALECT != "sqlite":
        return
    for model in apps.apps["models"].values():
        meta = model._meta
        for fields in meta.unique_together or ():
            columns = [meta.fields_map[name].source_field or name for name in fields]
            index = f"{meta.db_table}_{'_'.join(columns)}_uniq"
            await schema_editor.client.execute_script(
                f'CREATE UNIQUE INDEX IF NOT EXISTS "{index}" ON "{meta.db_table}" '
                f"({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)})"
            )
