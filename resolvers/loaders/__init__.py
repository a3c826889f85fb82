"""Per-request loaders: every relation in the graph is fetched through one of these, in one
query per batch, with the viewer's row scopes (models/access.py) applied.

One object per domain, composed in `Loaders`; schema types reach data only through
`info.context.loaders.<domain>.<method>`, so a relation is a name the type checker sees
(`loaders.group.by_exam`). Rows are read with `.values()` and turned straight into GraphQL
objects; no ORM instances are built on the read path.
"""

from __future__ import annotations

from models.access import Viewer
from resolvers.loaders.appeal import AppealLoaders
from resolvers.loaders.compensation import CompensationLoaders
from resolvers.loaders.curriculum import CurriculumLoaders
from resolvers.loaders.exam import ExamLoaders
from resolvers.loaders.group import GroupLoaders
from resolvers.loaders.organisation import OrganisationLoaders
from resolvers.loaders.participant import ParticipantLoaders
from resolvers.loaders.person import PersonLoaders
from resolvers.loaders.protocol import ProtocolLoaders
from resolvers.loaders.standard import StandardLoaders
from resolvers.loaders.statistics import StatisticsLoaders


class Loaders:
    """Created once per request for one viewer (and again after a mutation commits)."""

    viewer: Viewer
    exam: ExamLoaders
    group: GroupLoaders
    participant: ParticipantLoaders
    protocol: ProtocolLoaders
    person: PersonLoaders
    organisation: OrganisationLoaders
    standard: StandardLoaders
    curriculum: CurriculumLoaders
    compensation: CompensationLoaders
    appeal: AppealLoaders
    statistics: StatisticsLoaders

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.exam = ExamLoaders(viewer)
        self.group = GroupLoaders(viewer)
        self.participant = ParticipantLoaders(viewer)
        self.protocol = ProtocolLoaders(viewer)
        self.person = PersonLoaders(viewer)
        self.organisation = OrganisationLoaders(viewer)
        self.standard = StandardLoaders()
        self.curriculum = CurriculumLoaders()
        self.compensation = CompensationLoaders(viewer)
        self.appeal = AppealLoaders(viewer)
        self.statistics = StatisticsLoaders(viewer)


__all__ = ["Loaders"]
