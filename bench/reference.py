"""The hand-written reference: one PostgreSQL statement per page that builds the same JSON the
GraphQL queries return (same fields, nesting and order), with `json_build_object`/`json_agg`.

Only the benchmark uses it; it shows what the database and the server stack can do when no
Python touches the rows.
"""

from __future__ import annotations


def _gid(type_name: str, column: str) -> str:
    """The opaque global ID of schema.node.to_global_id: base64url without padding."""
    return (
        f"rtrim(translate(encode(convert_to('{type_name}:' || {column}, 'UTF8'), 'base64'), "
        f"'+/', '-_'), '=')"
    )


def _list(select: str) -> str:
    return f"COALESCE(({select}), '[]'::json)"


_UTC_ISO = '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\''

_PARTICIPANTS = _list(
    f"""SELECT json_agg(json_build_object(
            'id', {_gid("Participant", "p.id")},
            'kind', p.kind,
            'course', p.course,
            'fundingCode', p.funding_code,
            'stateFunded', COALESCE(p.funding_code IN ('R', 'Z'), false),
            'specialNeeds', p.special_needs,
            'result', p.result,
            'score', p.score,
            'person', json_build_object(
                'firstName', pp.first_name,
                'lastName', pp.last_name,
                'personalCode', pp.personal_code))
            ORDER BY pp.last_name, pp.first_name, p.id)
        FROM participant p JOIN person pp ON pp.id = p.person_id
        WHERE p.group_id = g.id"""
)

_COMMITTEE = _list(
    """SELECT json_agg(json_build_object(
            'role', c.role,
            'person', json_build_object('firstName', cp.first_name, 'lastName', cp.last_name))
            ORDER BY c.id)
        FROM committee_member c JOIN person cp ON cp.id = c.person_id
        WHERE c.group_id = g.id"""
)

_GROUPS = _list(
    f"""SELECT json_agg(json_build_object(
            'id', {_gid("ExamGroup", "g.id")},
            'name', g.name,
            'limit', g."limit",
            'date', g.date,
            'time', g.time,
            'place', g.place,
            'room', g.room,
            'participantCount', (SELECT count(*) FROM participant pc WHERE pc.group_id = g.id),
            'committee', {_COMMITTEE},
            'participants', {_PARTICIPANTS})
            ORDER BY g.name, g.id)
        FROM exam_group g WHERE g.exam_id = e.id"""
)

_SIGNATURES = _list(
    f"""SELECT json_agg(json_build_object(
            'signerRole', sg.signer_role,
            'signedAt', to_char(sg.signed_at AT TIME ZONE 'UTC', {_UTC_ISO}),
            'method', sg.method,
            'signer', json_build_object('firstName', sp.first_name, 'lastName', sp.last_name))
            ORDER BY sg.signed_at, sg.id)
        FROM signature sg JOIN person sp ON sp.id = sg.signer_id
        WHERE sg.protocol_id = pr.id"""
)

_PROTOCOLS = _list(
    f"""SELECT json_agg(json_build_object(
            'id', {_gid("Protocol", "pr.id")},
            'kind', pr.kind,
            'number', pr.number,
            'date', pr.date,
            'status', pr.status,
            'signatures', {_SIGNATURES})
            ORDER BY pr.kind, pr.id)
        FROM protocol pr WHERE pr.exam_id = e.id"""
)


def _exam_object(*, with_catalogue: bool) -> str:
    catalogue = ""
    if with_catalogue:
        catalogue = """
        'school', (SELECT json_build_object('name', o.name)
                   FROM organisation o WHERE o.id = e.school_id),
        'standard', (SELECT json_build_object('name', s.name, 'ekrLevel', s.ekr_level)
                     FROM standard s WHERE s.id = e.standard_id),"""
    return f"""json_build_object(
        'id', {_gid("Exam", "e.id")},
        'status', e.status,
        'graduationDate', e.graduation_date,
        'language', e.language,{catalogue}
        'groups', {_GROUPS},
        'protocols', {_PROTOCOLS})"""


# $1 exam id, $2 the viewer's school (the same row scope GraphQL applies for a SCHOOL user).
EXAM_PAGE_SQL = f"""
SELECT {_exam_object(with_catalogue=True)}::text AS j
FROM exam e WHERE e.id = $1 AND e.school_id = $2
"""

# $1 school id, $2 page size: the school's exams, newest first, as `exams(first:)` pages them.
SCHOOL_LIST_SQL = f"""
SELECT json_build_object('edges', COALESCE(
        json_agg(json_build_object('node', {_exam_object(with_catalogue=False)})
                 ORDER BY e.id DESC), '[]'::json))::text AS j
FROM (SELECT * FROM exam WHERE school_id = $1 ORDER BY id DESC LIMIT $2) e
"""
