"""Prometheus metrics: GraphQL requests, outbox depth and age, signing durations.

With several `serve` worker processes the metrics are shared through prometheus_client's
multiprocess mode: every process writes its counters to memory-mapped files in
`PROMETHEUS_MULTIPROC_DIR`, and `/metrics`, whichever process answers it, adds them up. So a
scrape of one container gives that container's totals however many processes it runs
(`serve --workers N` creates and empties the directory when none is given). The variable must
be set before this module is imported, which is why `serve` sets it before it starts workers.

The outbox figures are read from the database when scraped (one COUNT/MIN over the partial
index of pending rows), so they are the same whichever process or container answers.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from tortoise import connections

log = logging.getLogger("eksamihaldus")

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# `_created` series double the output and multiprocess mode has none: the same either way.
disable_created_metrics()

# Latency of one GraphQL request, 5 ms to 10 s; signing waits for a person's phone or card,
# so its buckets reach two minutes.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SIGNING_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

REQUESTS = Counter(
    "eh_graphql_requests",
    "GraphQL HTTP requests by operation name and HTTP status.",
    ["operation", "status"],
)
LATENCY = Histogram(
    "eh_graphql_request_duration_seconds",
    "Time from receiving a GraphQL request to the end of its response.",
    ["operation"],
    buckets=REQUEST_BUCKETS,
)
ERRORS = Counter(
    "eh_graphql_errors",
    "Errors in GraphQL responses (user mistakes are payload userErrors, not counted here).",
    ["operation"],
)
SIGNING = Histogram(
    "eh_signing_duration_seconds",
    "Time one signing step took, by kind (e.g. protocol, extract, timestamp).",
    ["kind"],
    buckets=SIGNING_BUCKETS,
)

# Operation names come from clients, so a name is a label only when the server knows it: the
# operations registered as trusted documents or shipped as examples (`register_operation_names`).
# Any other name is `other`: a client can neither grow the label set nor put text of its own
# (a personal code, say) into the metrics.
ANONYMOUS = "anonymous"
OTHER = "other"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_known: set[str] = set()


def register_operation_names(names: Iterable[str]) -> None:
    """Let these operation names be metric labels (names that are not GraphQL names are skipped)."""
    _known.update(name for name in names if _NAME.fullmatch(name))


def operation_label(name: str | None) -> str:
    """The label for an operation name: a registered name, `anonymous` or `other`."""
    if not name:
        return ANONYMOUS
    return name if name in _known else OTHER


# `labels()` validates and locks on every call: keep each label pair's children (bounded, as
# operation labels are).
_children: dict[tuple[str, int], tuple[Counter, Histogram]] = {}


def observe_request(operation: str, status: int, seconds: float, errors: int) -> None:
    """Record one finished GraphQL request (`operation` is already a label)."""
    children = _children.get((operation, status))
    if children is None:
        children = (REQUESTS.labels(operation, str(status)), LATENCY.labels(operation))
        _children[(operation, status)] = children
    children[0].inc()
    children[1].observe(seconds)
    if errors:
        ERRORS.labels(operation).inc(errors)


def observe_signing(kind: str, seconds: float) -> None:
    """Record how long one signing step took.

    Args:
        kind: What was signed or fetched, a short fixed word such as `protocol`.
        seconds: The duration (measure with `time.perf_counter()`).
    """
    SIGNING.labels(kind).observe(seconds)


class _Snapshot(Collector):
    """Figures read for this one scrape."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.metrics = list(metrics)

    def collect(self) -> Iterator[Metric]:
        return iter(self.metrics)


class _ThisProcess(Collector):
    """The default registry: this process's metrics when there is only one process."""

    def collect(self) -> Iterator[Metric]:
        return iter(REGISTRY.collect())


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


async def database_figures(now: datetime | None = None) -> list[Metric]:
    """Database reachability and the outbox's pending depth and oldest age."""
    try:
        _, rows = await connections.get("default").execute_query(
            "SELECT COUNT(*) AS depth, MIN(created_at) AS oldest "
            "FROM outbox_message WHERE status = 'PENDING'"
        )
    except Exception as error:  # noqa: BLE001 - unreachable is a figure, not a failure
        log.warning("metrics: the outbox could not be read (%s)", type(error).__name__)
        return [_gauge("eh_database_up", "1 when the database answered this scrape.", 0)]
    depth = int(rows[0]["depth"])
    oldest = rows[0]["oldest"]
    if isinstance(oldest, str):  # SQLite returns the text it stored
        oldest = datetime.fromisoformat(oldest)
    age = 0.0
    if oldest is not None:
        from models.clock import now as utc_now

        age = max(0.0, ((now or utc_now()) - oldest).total_seconds())
    return [
        _gauge("eh_database_up", "1 when the database answered this scrape.", 1),
        _gauge("eh_outbox_pending", "Mails in the outbox waiting to be sent.", depth),
        _gauge(
            "eh_outbox_oldest_pending_age_seconds",
            "Age of the oldest mail waiting to be sent (0 when none waits).",
            age,
        ),
    ]


def exposition(extra: Iterable[Metric] = ()) -> bytes:
    """Every process's metrics (multiprocess mode) or this process's, plus `extra`."""
    registry = CollectorRegistry()
    directory = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if directory:
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_ThisProcess())
    registry.register(_Snapshot(extra))
    return generate_latest(registry)


async def metrics_endpoint(request: Request) -> Response:
    body = exposition(await database_figures())
    return Response(body, media_type=CONTENT_TYPE_LATEST)
