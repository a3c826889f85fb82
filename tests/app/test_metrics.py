"""Prometheus metrics: requests by operation, latency, errors, the outbox read at scrape
time, signing durations, and totals added up across processes."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

import app.metrics as metrics
from app.metrics import database_figures, exposition, observe_signing, operation_label
from models.notification import MailStatus, OutboxMessage
from tests.mail.outbox import queue_mail

STATISTICS = "query Kodulehe_Statistika { statistics { __typename } }"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def _scrape(api) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:  # type: ignore[no-untyped-def]
    response = await api.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return _samples(response.text)


def _requests(operation: str, status: str = "200") -> tuple[str, tuple[tuple[str, str], ...]]:
    return ("eh_graphql_requests_total", (("operation", operation), ("status", status)))


async def test_requests_are_counted_and_timed_by_operation_name(api):
    metrics.register_operation_names(["Kodulehe_Statistika"])
    before = await _scrape(api)

    for _ in range(3):
        assert (await api.post(STATISTICS)).status_code == 200
    await api.post("{ statistics { __typename } }")

    after = await _scrape(api)
    counted = _requests("Kodulehe_Statistika")
    assert after[counted] - before.get(counted, 0) == 3
    assert after[_requests("anonymous")] - before.get(_requests("anonymous"), 0) >= 1
    timed = ("eh_graphql_request_duration_seconds_count", (("operation", "Kodulehe_Statistika"),))
    assert after[timed] - before.get(timed, 0) == 3


async def test_errors_and_refused_tokens_are_counted(api):
    metrics.register_operation_names(["Vigane"])
    before = await _scrape(api)

    await api.post("query Vigane { statistics { nope } }")
    refused = await api.post(STATISTICS, token="not-a-token")

    after = await _scrape(api)
    errors = ("eh_graphql_errors_total", (("operation", "Vigane"),))
    assert after[errors] - before.get(errors, 0) == 1
    assert refused.status_code == 401
    unauthenticated = _requests("anonymous", "401")  # refused before GraphQL read the name
    assert after[unauthenticated] - before.get(unauthenticated, 0) == 1


def test_client_chosen_names_are_no_labels(monkeypatch):
    monkeypatch.setattr(metrics, "_known", set())
    metrics.register_operation_names(["ExamPage"])

    names = {operation_label(f"Operation{n}") for n in range(500)}

    assert names == {"other"}  # however many names clients send, one label
    assert operation_label("p36805280109") == "other"  # nor can a client put a code in a label
    assert operation_label("ExamPage") == "ExamPage"
    assert operation_label(None) == "anonymous"


async def test_an_unregistered_operation_name_is_counted_as_other(api):
    before = await _scrape(api)

    await api.post("query p36805280109 { statistics { __typename } }")

    after = await _scrape(api)
    assert after[_requests("other")] - before.get(_requests("other"), 0) == 1
    assert not any("36805280109" in value for _, labels in after for _, value in labels)


def test_a_name_that_is_no_graphql_name_is_other(monkeypatch):
    monkeypatch.setattr(metrics, "_known", set())
    metrics.register_operation_names(['x"} 1\nfake_metric{a="', "a" * 65])

    assert operation_label('x"} 1\nfake_metric{a="') == "other"
    assert operation_label("a" * 65) == "other"


async def test_the_outbox_depth_and_age_are_read_from_the_database(api):
    first = await queue_mail()
    await queue_mail()
    await queue_mail(status=MailStatus.SENT, sent_at=first.created_at)
    await queue_mail(status=MailStatus.FAILED)

    figures = await database_figures(now=first.created_at + timedelta(seconds=90))
    scraped = await _scrape(api)

    values = {family.name: family.samples[0].value for family in figures}
    assert values == {
        "eh_database_up": 1,
        "eh_outbox_pending": 2,
        "eh_outbox_oldest_pending_age_seconds": 90,
    }
    assert scraped[("eh_outbox_pending", ())] == 2
    assert scraped[("eh_database_up", ())] == 1
    assert await OutboxMessage.filter(status=MailStatus.PENDING).count() == 2


async def test_an_empty_outbox_has_no_age(api):
    scraped = await _scrape(api)

    assert scraped[("eh_outbox_pending", ())] == 0
    assert scraped[("eh_outbox_oldest_pending_age_seconds", ())] == 0


def test_signing_durations_are_observed_by_kind():
    observe_signing("protocol", 0.8)
    observe_signing("protocol", 3.0)

    scraped = _samples(exposition().decode())

    count = ("eh_signing_duration_seconds_count", (("kind", "protocol"),))
    under_one = ("eh_signing_duration_seconds_bucket", (("kind", "protocol"), ("le", "1.0")))
    assert scraped[count] >= 2
    assert scraped[under_one] >= 1


_RECORD = """
import sys
from app.metrics import observe_request, observe_signing
for _ in range(int(sys.argv[1])):
    observe_request("ExamPage", 200, 0.02, 0)
observe_signing("protocol", 1.5)
"""

_EXPOSE = "import sys; from app.metrics import exposition; sys.stdout.write(exposition().decode())"


async def _python(code: str, *args: str, env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_with_a_shared_directory_every_process_sees_the_totals_of_all(tmp_path):
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    await asyncio.gather(
        _python(_RECORD, "5", env=env),
        _python(_RECORD, "7", env=env),
    )
    text = await _python(_EXPOSE, env=env)  # a third process, which recorded nothing

    scraped = _samples(text)
    assert scraped[_requests("ExamPage")] == 12
    assert (
        scraped[("eh_graphql_request_duration_seconds_count", (("operation", "ExamPage"),))] == 12
    )
    assert scraped[("eh_signing_duration_seconds_count", (("kind", "protocol"),))] == 2
    assert len(list(tmp_path.glob("*.db"))) >= 2  # one file per process and kind
