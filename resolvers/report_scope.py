"""The exams a viewer's figures come from, or a FORBIDDEN error for roles that get none."""

from __future__ import annotations

from graphql import GraphQLError

from models.access import ReportScope, Viewer, report_scope


def scope_or_forbidden(viewer: Viewer) -> ReportScope:
    scope = report_scope(viewer)
    if scope is None:
        raise GraphQLError(
            "Sinu rollil pole aruandeid. / Reports are not available to your role.",
            extensions={"code": "FORBIDDEN"},
        )
    return scope
