"""CloudWatch Logs emulators: streams, metric and subscription filters are in moto as declared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.rehearsal.emulators.logs import pattern_problem
from infra.rehearsal.rehearse import Rehearsal
from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


@pytest.fixture(scope="module")
def rehearsal() -> Iterator[Rehearsal]:
    with rehearse_case("logs_group_stream_and_filters") as rehearsed:
        yield rehearsed


def _logs(rehearsal: Rehearsal) -> Any:
    return rehearsal.session.client("logs", region_name=rehearsal.account.region)


def test_stream_is_in_its_group(rehearsal: Rehearsal) -> None:
    stream = rehearsal.result.one("aws:cloudwatch/logStream:LogStream", "app-stream")
    streams = _logs(rehearsal).describe_log_streams(logGroupName="/corpus/app")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["web-1"], stream.urn
    assert stream.state["arn"].endswith(":log-group:/corpus/app:log-stream:web-1"), stream.state["arn"]
    assert spec_of(stream.type).arn_pattern().fullmatch(stream.state["arn"]), stream.state["arn"]


def test_metric_filters_carry_pattern_and_transformation(rehearsal: Rehearsal) -> None:
    filters = {
        f["filterName"]: f
        for f in _logs(rehearsal).describe_metric_filters(logGroupName="/corpus/app")["metricFilters"]
    }
    errors = rehearsal.result.one("aws:cloudwatch/logMetricFilter:LogMetricFilter", "errors")
    assert filters[errors.id]["filterPattern"] == '{ $.level = "ERROR" && $.latency > 500 }', errors.urn
    transformation = filters[errors.id]["metricTransformations"][0]
    assert (transformation["metricName"], transformation["metricNamespace"]) == ("Errors", "Corpus"), (
        errors.urn
    )
    assert len(filters) == 2


def test_subscription_filter_delivers_to_the_stream(rehearsal: Rehearsal) -> None:
    stream = rehearsal.result.one("aws:kinesis/stream:Stream", "log-stream")
    found = _logs(rehearsal).describe_subscription_filters(logGroupName="/corpus/app")["subscriptionFilters"]
    assert [(f["destinationArn"], f["filterPattern"]) for f in found] == [
        (stream.state["arn"], "?ERROR ?WARN")
    ]


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        ("", False),
        ("ERROR", False),
        ('"out of memory"', False),
        ("[ip, user, ..., status_code = 5*, size]", False),
        ("{ ($.status = 500) || ($.latency > 1000) }", False),
        ("{ $.errors[0].code IS NULL }", False),
        ("{ $.level = ERROR ", True),
        ("{ level = 1 }", True),
        ("[ip, user", True),
        ('"unterminated', True),
        ("{ }", True),
    ],
)
def test_pattern_grammar(pattern: str, refused: bool) -> None:
    assert (pattern_problem(pattern) is not None) is refused, (pattern, pattern_problem(pattern))
