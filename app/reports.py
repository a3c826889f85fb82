"""Statistics and compensation as CSV downloads, with the same bearer token and row scopes as
the GraphQL fields `statistics.exams` and `compensation`.

The files open in Excel as they are: UTF-8 with a byte order mark (so õ ä ö ü š ž show
right), `;` between fields and a decimal comma, as Estonian Excel expects. Amounts come in
cents (integers) and in euros written from the cents, never through floating point.

- `GET /reports/statistics.csv?groupBy=STATUS,YEAR&dateFrom=&dateTo=&status=&school=
  &awardingBody=&standard=`
- `GET /reports/compensation.csv?dateFrom=&dateTo=&awardingBody=&level=lines|participants|bodies`

No token: 401. A role with no reports (assessor, commission chair): 403. Bad parameters: 400.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from app.auth import KeyRing, signed_in_viewer
from app.documents import unauthenticated
from app.settings import Settings
from models.access import ReportScope, report_scope
from models.compensation_report import CompensationReport, compensation_report, line_participants
from models.enums import ExamStatus, ParticipantResult
from models.organisation import Organisation
from models.standard import Standard
from models.statistics import Dimension, ExamFigures, ExamStatisticsFilter, exam_statistics
from schema.node import from_global_id, to_global_id

BOM = "\ufeff"
SEPARATOR = ";"


class BadRequest(ValueError):
    pass


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def decimal_comma(value: float | None) -> str | None:
    """One decimal with a comma: 66.7 → "66,7"."""
    return None if value is None else f"{value:.1f}".replace(".", ",")


def euros(cents: int | None) -> str | None:
    """Integer cents as euros with a decimal comma: 12345 → "123,45", -5 → "-0,05"."""
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole},{rest:02d}"


def _required_date(request: Request, name: str) -> date:
    value = _date(request, name)
    if value is None:
        raise BadRequest(f"`{name}` is required (YYYY-MM-DD)")
    return value


def _date(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"`{name}` must be a date (YYYY-MM-DD)") from None


def _id(request: Request, name: str, type_name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    decoded = from_global_id(raw)
    if decoded is None or decoded[0] != type_name:
        raise BadRequest(f"`{name}` is not an ID of type {type_name}")
    return decoded[1]


def _enum_list(request: Request, name: str, enum: Callable[[str], Any]) -> list[Any]:
    raw = request.query_params.get(name) or ""
    try:
        return [enum(part.strip()) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise BadRequest(f"`{name}` has a value that is not allowed") from None


async def _names(model: Any, ids: set[int], *columns: str) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await model.filter(id__in=list(ids)).values("id", *columns)
    return {row["id"]: row for row in rows}


# ----- statistics ---------------------------------------------------------------------------

_FIGURE_COLUMNS: list[tuple[str, Callable[[ExamFigures], Any]]] = [
    ("Eksamid / Exams", lambda f: f.exams),
    ("Osalejad / Participants", lambda f: f.participants),
    ("Sooritanud / Passed", lambda f: f.passed),
    ("Osaliselt sooritanud / Partially passed", lambda f: f.partially_passed),
    ("Mittesooritanud / Failed", lambda f: f.failed),
    ("Puudunud / Absent", lambda f: f.absent),
    ("Tulemuseta / Without result", lambda f: f.without_result),
    ("Sooritus % / Pass rate %", lambda f: decimal_comma(f.rate(ParticipantResult.PASSED))),
    (
        "Osaline sooritus % / Partial pass rate %",
        lambda f: decimal_comma(f.rate(ParticipantResult.PARTIALLY_PASSED)),
    ),
    ("Mittesooritus % / Fail rate %", lambda f: decimal_comma(f.rate(ParticipantResult.FAILED))),
    ("Puudumine % / Absence rate %", lambda f: decimal_comma(f.rate(ParticipantResult.ABSENT))),
    ("RE-jah / State funded", lambda f: f.state_funded),
    ("RE-ei / Not state funded", lambda f: f.not_state_funded),
    ("Rahastuskoodita / No funding code", lambda f: f.without_funding_code),
    ("Vastu võetud eksamid / Accepted exams", lambda f: f.accepted_measured),
    (
        "Päevi saatmisest vastuvõtuni / Days to acceptance",
        lambda f: decimal_comma(f.average_days_to_acceptance),
    ),
    ("Lõpetatud eksamid / Completed exams", lambda f: f.completed_measured),
    (
        "Päevi eksamist kutsekomisjoni protokollini / Days to commission protocol",
        lambda f: decimal_comma(f.average_days_to_commission_protocol),
    ),
]


async def statistics_csv(scope: ReportScope, request: Request) -> Response:
    by = tuple(_enum_list(request, "groupBy", Dimension))
    f = ExamStatisticsFilter(
        exam_date_from=_date(request, "dateFrom"),
        exam_date_to=_date(request, "dateTo"),
        statuses=tuple(_enum_list(request, "status", ExamStatus)),
        school_id=_id(request, "school", "School"),
        awarding_body_id=_id(request, "awardingBody", "AwardingBody"),
        standard_id=_id(request, "standard", "Standard"),
    )
    rows = await exam_statistics(scope, f, by)
    standards = await _names(
        Standard, {r.standard_id for r in rows if r.standard_id}, "code", "version", "name"
    )
    organisations = await _names(
        Organisation,
        {i for r in rows for i in (r.school_id, r.awarding_body_id) if i},
        "code",
        "name",
    )

    def standard(column: str) -> Callable[[ExamFigures], Any]:
        return lambda r: standards.get(r.standard_id or 0, {}).get(column)

    def organisation(attribute: str, column: str) -> Callable[[ExamFigures], Any]:
        return lambda r: organisations.get(getattr(r, attribute) or 0, {}).get(column)

    key_columns: list[tuple[str, Callable[[ExamFigures], Any]]] = []
    for dimension in dict.fromkeys(by):
        if dimension is Dimension.STATUS:
            key_columns.append(("Olek / Status", lambda r: r.status.value if r.status else None))
        elif dimension is Dimension.YEAR:
            key_columns.append(("Aasta / Year", lambda r: r.year))
        elif dimension is Dimension.STANDARD:
            key_columns += [
                ("Kutsestandardi kood / Standard code", standard("code")),
                ("Versioon / Version", standard("version")),
                ("Kutsestandard / Standard", standard("name")),
            ]
        elif dimension is Dimension.SCHOOL:
            key_columns += [
                ("Kooli EHIS kood / School code", organisation("school_id", "code")),
                ("Kool / School", organisation("school_id", "name")),
            ]
        else:
            key_columns += [
                (
                    "Kutse andja registrikood / Awarding body code",
                    organisation("awarding_body_id", "code"),
                ),
                ("Kutse andja / Awarding body", organisation("awarding_body_id", "name")),
            ]
    columns = key_columns + _FIGURE_COLUMNS
    return csv_response(
        [name for name, _ in columns],
        ([value(row) for _, value in columns] for row in rows),
        "statistika.csv",
    )


# ----- compensation -------------------------------------------------------------------------


async def _compensation_rows(
    report: CompensationReport, level: str
) -> tuple[list[str], list[list[Any]]]:
    organisations = await _names(
        Organisation,
        {i for line in report.lines for i in (line.school_id, line.awarding_body_id)},
        "code",
        "name",
    )
    if level == "bodies":
        header = [
            "Kutse andja registrikood / Awarding body code",
            "Kutse andja / Awarding body",
            "Eksamid / Exams",
            "Read / Lines",
            "Hüvitatavad osalejad / Compensated participants",
            "Summa sentides / Amount (cents)",
            "Summa eurodes / Amount (EUR)",
            "Määrata read / Lines without rate",
            "Määrata hüvitatavad / Compensated without rate",
            "Kooli arvele / Invoiced to school",
            "Hüvitamata / Not compensated",
        ]
        rows = [
            [
                organisations[b.awarding_body_id]["code"],
                organisations[b.awarding_body_id]["name"],
                len(b.exam_ids),
                b.lines,
                b.compensated,
                b.amount_cents,
                euros(b.amount_cents),
                b.lines_without_rate,
                b.compensated_without_rate,
                b.invoiced_to_school,
                b.not_compensated,
            ]
            for b in report.bodies
        ]
        return header, rows
    standards = await _names(Standard, {line.standard_id for line in report.lines}, "name")
    line_header = [
        "Kutse andja registrikood / Awarding body code",
        "Kutse andja / Awarding body",
        "Kooli EHIS kood / School code",
        "Kool / School",
        "Eksam / Exam ID",
        "Eksami kuupäev / Exam date",
        "Kutsestandard / Standard",
        "Õppekavarühm / Curriculum group",
        "Eksami liik / Exam type",
        "Määr / Rate ID",
        "Määr sentides / Rate (cents)",
        "Määr kehtib alates / Rate valid from",
        "Puuduv määr / Missing rate",
    ]

    def line_cells(line: Any) -> list[Any]:
        return [
            organisations[line.awarding_body_id]["code"],
            organisations[line.awarding_body_id]["name"],
            organisations[line.school_id]["code"],
            organisations[line.school_id]["name"],
            to_global_id("Exam", line.exam_id),
            line.exam_date.isoformat(),
            standards[line.standard_id]["name"],
            line.curriculum_group,
            line.exam_type.value,
            to_global_id("CompensationRate", line.rate.id) if line.rate else None,
            line.rate.amount_cents if line.rate else None,
            line.rate.valid_from.isoformat() if line.rate else None,
            line.missing_rate.value if line.missing_rate else None,
        ]

    if level == "lines":
        header = line_header + [
            "Hüvitatavad osalejad / Compensated participants",
            "Kooli arvele / Invoiced to school",
            "Hüvitamata / Not compensated",
            "Puudunud / Absent",
            "Summa sentides / Amount (cents)",
            "Summa eurodes / Amount (EUR)",
        ]
        rows = [
            line_cells(line)
            + [
                line.compensated,
                line.invoiced_to_school,
                line.not_compensated,
                line.absent,
                line.amount_cents,
                euros(line.amount_cents),
            ]
            for line in report.lines
        ]
        return header, rows
    by_line: dict[tuple[int, date], list[Any]] = {}
    for person in await line_participants(sorted({line.exam_id for line in report.lines})):
        by_line.setdefault((person.exam_id, person.exam_date), []).append(person)
    header = line_header + [
        "Osaleja / Participant ID",
        "Perenimi / Last name",
        "Eesnimi / First name",
        "Rahastuskood / Funding code",
        "Tulemus / Result",
        "Kategooria / Category",
        "Summa sentides / Amount (cents)",
    ]
    rows = []
    for line in report.lines:
        for person in by_line.get((line.exam_id, line.exam_date), []):
            compensated = person.category.value == "COMPENSATED"
            rows.append(
                line_cells(line)
                + [
                    to_global_id("Participant", person.participant_id),
                    person.last_name,
                    person.first_name,
                    person.funding_code,
                    person.result,
                    person.category.value,
                    (line.rate.amount_cents if compensated else 0) if line.rate else None,
                ]
            )
    return header, rows


async def compensation_csv(scope: ReportScope, request: Request) -> Response:
    date_from = _required_date(request, "dateFrom")
    date_to = _required_date(request, "dateTo")
    if date_from > date_to:
        raise BadRequest("`dateFrom` must not be after `dateTo`")
    level = request.query_params.get("level", "lines")
    if level not in ("lines", "participants", "bodies"):
        raise BadRequest("`level` is lines, participants or bodies")
    report = await compensation_report(
        scope, date_from, date_to, awarding_body_id=_id(request, "awardingBody", "AwardingBody")
    )
    header, rows = await _compensation_rows(report, level)
    return csv_response(
        header, rows, f"hyvitamine-{date_from.isoformat()}-{date_to.isoformat()}-{level}.csv"
    )


def report_routes(settings: Settings, keys: KeyRing) -> list[BaseRoute]:
    def endpoint(build: Callable[[ReportScope, Request], Any]) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            viewer = await signed_in_viewer(keys, settings, request.headers.get("authorization"))
            if viewer is None:
                return unauthenticated()
            scope = report_scope(viewer)
            if scope is None:
                return JSONResponse(
                    {
                        "error": "FORBIDDEN",
                        "message": "Sinu rollil pole aruandeid. / "
                        "Reports are not available to your role.",
                    },
                    403,
                )
            try:
                response: Response = await build(scope, request)
            except BadRequest as error:
                return JSONResponse({"error": "BAD_REQUEST", "message": str(error)}, 400)
            return response

        return handle

    return [
        Route("/reports/statistics.csv", endpoint(statistics_csv), methods=["GET"]),
        Route("/reports/compensation.csv", endpoint(compensation_csv), methods=["GET"]),
    ]
