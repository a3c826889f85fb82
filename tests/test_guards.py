"""The guard mechanism itself: declared fields get a guard; a hidden value never leaks."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from app.graphql import build_schema
from app.settings import Settings
from schema.participant import Participant

ROW = {
    "id": 1,
    "group_id": None,
    "kind": "GRADUATE",
    "course": 3,
    "funding_code": "R",
    "special_needs": True,
    "result": "PASSED",
    "score": 90,
    "version": 1,
    "language": "et",
    "person_id": 7,
    "person_first_name": "Õie",
    "person_last_name": "Sööt",
    "person_personal_code": "60001019906",
}


def _resolver(type_name: str, field: str):  # type: ignore[no-untyped-def]
    return build_schema(Settings())._schema.type_map[type_name].fields[field].resolve


def test_every_personal_data_field_is_guarded():
    schema = build_schema(Settings())._schema
    guarded = {
        f"{type_name}.{field}"
        for type_name in ("Participant", "Person")
        for field, definition in schema.type_map[type_name].fields.items()
        if definition.resolve is not None
        and definition.resolve.__name__ == "resolve"
        and definition.resolve.__qualname__.startswith("_guard_resolver")
    }

    assert guarded == {
        "Participant.fundingCode",
        "Participant.stateFunded",
        "Participant.specialNeeds",
        "Participant.result",
        "Participant.score",
        "Person.personalCode",
    }


class _Info:
    class parent_type:  # noqa: N801 - mimics GraphQLResolveInfo.parent_type
        name = "Participant"


@pytest.mark.parametrize("field", ["fundingCode", "specialNeeds", "result", "score"])
def test_a_hidden_guarded_field_raises_forbidden_and_holds_no_value(field):
    hidden = Participant.from_row(ROW, visible=False)

    with pytest.raises(GraphQLError) as raised:
        _resolver("Participant", field)(hidden, _Info())

    assert raised.value.extensions == {"code": "FORBIDDEN"}
    python_name = {"fundingCode": "funding_code", "specialNeeds": "special_needs"}.get(field, field)
    assert getattr(hidden, python_name) is None  # nothing to leak even if a guard were missed
    assert hidden.person.personal_code is None


def test_a_visible_guarded_field_returns_its_value():
    shown = Participant.from_row(ROW, visible=True)

    assert _resolver("Participant", "score")(shown, _Info()) == 90
    assert _resolver("Person", "personalCode")(shown.person, _Info()) == "60001019906"
