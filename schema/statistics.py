"""Public figures of the register."""

from __future__ import annotations

import strawberry


@strawberry.type(description="The register's public figures, computed from the data.")
class Statistics:
    valid_standards: int = strawberry.field(description="Standards valid today.")
    occupational_areas: int = strawberry.field(
        description="Occupational areas the valid standards cover."
    )
    certificates_issued: int = strawberry.field(description="Certificates issued.")
    certificates_valid: int = strawberry.field(description="Certificates still valid today.")
    partial_certificates_issued: int = strawberry.field(description="Partial certificates issued.")
    school_leaving_qualifications: int = strawberry.field(
        description="Qualifications recorded on school-leaving documents."
    )
