"""A root field's selection compiled into one SQL statement that builds its JSON.

The compiler walks the selection as graphql-core collects it (fragments, aliases,
`@include`/`@skip` already applied for this request's variables) over the types of
`catalog.CATALOG`. Row scopes come from `models.access.scope_sql`, role-level field guards
are decided here, per-row guards become `CASE` with a mark that the plan turns into a
FORBIDDEN error, and fields that need Python become the parent's primary key plus a plan
step that runs today's resolver there.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.values import get_argument_values
from strawberry.types.field import StrawberryField

from models.access import (
    Viewer,
    exam_visibility,
    scope_sql,
    sees_personal_codes_of_others,
    sees_personal_data_of_participants,
)
from models.enums import Role
from resolvers.compiled.catalog import (
    CATALOG,
    PARTICIPANT_CODES,
    Paged,
    Relation,
    ToMany,
    ToOne,
    TypeEntry,
)
from resolvers.compiled.plan import (
    FORBIDDEN_MARK,
    Binding,
    Decline,
    FieldStep,
    Getter,
    ObjectPlan,
)
from resolvers.compiled.spelling import global_id, literal, scalar
from schema.guards import PERSONAL_CODE, PERSONAL_DATA

# json_build_object takes at most 100 arguments.
MAX_KEYS = 50


def arguments(binding: Binding, field_def: GraphQLField, details: FieldDetails) -> dict[str, Any]:
    """A field's argument values in this execution (remembered per field node)."""
    key = id(details.node)
    found = binding.arguments.get(key)
    if found is None:
        found = binding.arguments[key] = get_argument_values(
            field_def, details.node, binding.variables, details.fragment_variable_values
        )
    return found


class Compiler:
    def __init__(self, context: Any, role: Role | None) -> None:
        self.context = context
        # Only the role matters when compiling; ids are bound per request.
        self.viewer = Viewer(person_id=0, role=role, organisation_id=0)
        visibility = exam_visibility(self.viewer)
        if visibility is None:
            raise Decline  # the public sees no exams: today's path answers that at once
        self.getters: list[Getter] = []
        self._aliases = 0
        self._viewer_person: str | None = None
        self.scope = scope_sql(visibility, self._bind_visibility)
        self.now = Binding(
            viewer=self.viewer, visibility=visibility, variables=context.variable_values
        )

    # ----- parameters and aliases -----
    def bind(self, getter: Getter, cast: str) -> str:
        self.getters.append(getter)
        return f"${len(self.getters)}::{cast}"

    def _bind_visibility(self, name: str) -> str:
        return self.bind(lambda binding: getattr(binding.visibility, name), "int")

    def viewer_person(self) -> str:
        if self._viewer_person is None:
            self._viewer_person = self.bind(lambda binding: binding.viewer.person_id, "int")
        return self._viewer_person

    def alias(self) -> str:
        self._aliases += 1
        return f"t{self._aliases}"

    def collect(self, object_type: GraphQLObjectType, details: list[FieldDetails]) -> Any:
        return self.context.collect_subfields(object_type, details).grouped_field_set

    def arguments_now(self, field_def: GraphQLField, details: FieldDetails) -> dict[str, Any]:
        return arguments(self.now, field_def, details)

    # ----- scopes -----
    def scoped(self, scope: str | None, t: str, *, reached_alone: bool = False) -> list[str]:
        match scope:
            case None:
                return []
            case "exam":
                return [self.scope.exam.replace("{t}", t)]
            case "group":
                group = self.scope.group_of_exam.replace("{t}", t)
                if not reached_alone:
                    return [group]
                # A group reached on its own (a participant's group): the loader's scope,
                # visible exams and the group scope.
                exams = self.scope.exam.replace("{t}", "sx")
                return [f"{t}.exam_id IN (SELECT sx.id FROM exam sx WHERE {exams})", group]
            case "participant":
                return [self.scope.participant_of_exam.replace("{t}", t)]
            case "protocol":
                return [self.scope.protocol_of_exam.replace("{t}", t)]
        raise ValueError(scope)

    # ----- objects -----
    def object(
        self,
        object_type: GraphQLObjectType,
        details: list[FieldDetails],
        t: str,
        person_codes: str,
    ) -> tuple[str, ObjectPlan | None]:
        entry = CATALOG.get(object_type.name)
        if entry is None:
            raise Decline
        pairs: list[str] = []
        steps: list[FieldStep] = []
        for key, field_details in self.collect(object_type, details).items():
            expression, step = self.field(object_type, entry, key, field_details, t, person_codes)
            pairs.append(f"{literal(key)}, {expression}")
            if step is not None:
                steps.append(step)
        if len(pairs) > MAX_KEYS:
            raise Decline
        return (
            f"json_build_object({', '.join(pairs)})",
            ObjectPlan(object_type, steps) if steps else None,
        )

    def field(
        self,
        parent_type: GraphQLObjectType,
        entry: TypeEntry,
        key: str,
        details: list[FieldDetails],
        t: str,
        person_codes: str,
    ) -> tuple[str, FieldStep | None]:
        name = details[0].node.name.value
        if name == "__typename":
            return literal(parent_type.name), None
        field_def = parent_type.fields[name]
        if name == "id" and entry.gid is not None:
            return global_id(entry.gid, f"{t}.id"), None
        relation = entry.relations.get(name)
        if relation is not None:
            return self.relation(relation, field_def, key, details, t, entry)
        definition = (field_def.extensions or {}).get("strawberry-definition")
        computed = entry.computed.get(name)
        expression: str | None
        if computed is not None:
            expression = computed(self, t)
        elif _plain(definition):
            column = entry.columns.get(name) or definition.python_name  # type: ignore[union-attr]
            expression = scalar(get_named_type(field_def.type), f'{t}."{column}"')
        else:
            expression = None
        if expression is None:
            return self.fallback(entry, key, details, field_def, name, t)
        guard = (
            definition.metadata.get("guard") if isinstance(definition, StrawberryField) else None
        )
        if guard is None:
            return expression, None
        allowed = self.guard(guard, t, person_codes)
        if allowed == "TRUE":
            return expression, None
        step = FieldStep(key, "guard", details, field_def, name)
        if allowed == "FALSE":
            return FORBIDDEN_MARK, step
        return f"CASE WHEN {allowed} THEN to_json({expression}) ELSE {FORBIDDEN_MARK} END", step

    def guard(self, guard: str, t: str, person_codes: str) -> str:
        """Whether the guarded field may be shown: TRUE or FALSE for the role, or a per-row
        predicate."""
        if guard == PERSONAL_DATA or (guard == PERSONAL_CODE and person_codes == PARTICIPANT_CODES):
            return "TRUE" if sees_personal_data_of_participants(self.viewer) else "FALSE"
        if guard == PERSONAL_CODE:
            if sees_personal_codes_of_others(self.viewer):
                return "TRUE"
            return f"{t}.id = {self.viewer_person()}"
        raise Decline

    def fallback(
        self,
        entry: TypeEntry,
        key: str,
        details: list[FieldDetails],
        field_def: GraphQLField,
        name: str,
        t: str,
    ) -> tuple[str, FieldStep]:
        """Today's resolver for this field: the statement carries the parent's key."""
        if entry.loader is None:
            raise Decline
        return f"{t}.id", FieldStep(key, "fallback", details, field_def, name, loader=entry.loader)

    # ----- relations -----
    def relation(
        self,
        relation: Relation,
        field_def: GraphQLField,
        key: str,
        details: list[FieldDetails],
        t: str,
        entry: TypeEntry,
    ) -> tuple[str, FieldStep | None]:
        from resolvers.compiled.connections import paged

        name = details[0].node.name.value
        if isinstance(relation, Paged):
            compiled = paged(self, relation, field_def, details, t)
            if compiled is None:
                return self.fallback(entry, key, details, field_def, name, t)
            expression, plan = compiled
            return expression, _step(key, "object", details, field_def, name, plan)
        target_type = object_type(field_def)
        target = CATALOG[relation.target]
        a = self.alias()
        obj, plan = self.object(target_type, details, a, relation.person_codes)
        if isinstance(relation, ToOne):
            conditions = [f"{a}.id = {t}.{relation.fk}", *self.where(target, a)]
            conditions += self.scoped(relation.scope, a, reached_alone=True)
            expression = f"(SELECT {obj} FROM {target.table} {a} WHERE {' AND '.join(conditions)})"
            return expression, _step(key, "object", details, field_def, name, plan)
        assert isinstance(relation, ToMany)
        conditions = [f"{a}.{relation.fk} = {t}.id", *self.where(target, a)]
        conditions += self.scoped(relation.scope, a)
        order = ", ".join(column.replace("{t}", a) for column in relation.order)
        expression = (
            f"(SELECT coalesce(json_agg({obj} ORDER BY {order}), '[]'::json) "
            f"FROM {target.table} {a} {relation.joins.replace('{t}', a)} "
            f"WHERE {' AND '.join(conditions)})"
        )
        return expression, _step(key, "list", details, field_def, name, plan)

    @staticmethod
    def where(entry: TypeEntry, t: str) -> list[str]:
        return [entry.where.replace("{t}", t)] if entry.where else []


def _plain(definition: Any) -> bool:
    return (
        isinstance(definition, StrawberryField)
        and definition.base_resolver is None
        and "loader" not in definition.metadata
    )


def _step(
    key: str,
    kind: str,
    details: list[FieldDetails],
    field_def: GraphQLField,
    name: str,
    plan: ObjectPlan | None,
) -> FieldStep | None:
    if plan is None:
        return None
    return FieldStep(key, kind, details, field_def, name, child=plan)


def object_type(field_def: GraphQLField) -> GraphQLObjectType:
    named = get_named_type(field_def.type)
    if not isinstance(named, GraphQLObjectType):
        raise Decline  # an interface or union: today's path resolves its type
    return named


def nullable(graphql_type: Any) -> bool:
    return not isinstance(graphql_type, GraphQLNonNull)


def item_nullable(graphql_type: Any) -> bool:
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    assert isinstance(graphql_type, GraphQLList)
    return nullable(graphql_type.of_type)
