"""EHIS (Estonian Education Information System): schools, curricula and students.

`import_ehis(source)` upserts them in one transaction; `EhisFileSource` reads the export files
described in `format.py` (`example.json`, `example_students.csv`).
"""

from integrations.ehis.format import EhisBatch
from integrations.ehis.importer import import_ehis
from integrations.ehis.source import EhisFileSource, EhisSource

__all__ = ["EhisBatch", "EhisFileSource", "EhisSource", "import_ehis"]
