"""Occupational standards, the register's own data: versions, partial qualifications,
specialisations and awarding bodies, imported from a JSON file (`format.py`, `example.json`).
"""

from integrations.standards.format import StandardsBatch
from integrations.standards.importer import import_standards
from integrations.standards.source import StandardsFileSource, StandardsSource

__all__ = ["StandardsBatch", "StandardsFileSource", "StandardsSource", "import_standards"]
