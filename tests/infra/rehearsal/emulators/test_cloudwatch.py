"""CloudWatch emulators: a composite alarm, which moto lacks, carries its documented ARN and the alarms its
rule references are the emulated ones."""

from __future__ import annotations

from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


def test_composite_alarm_references_the_emulated_alarms() -> None:
    with rehearse_case("cloudwatch_alarms_and_composite") as rehearsal:
        composite = rehearsal.result.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "service-degraded")
        client = rehearsal.session.client("cloudwatch", region_name=rehearsal.account.region)
        alarms = {a["AlarmName"]: a for a in client.describe_alarms()["MetricAlarms"]}
        assert sorted(alarms) == ["cpu", "daily", "latency"], composite.urn
        assert alarms["latency"]["ExtendedStatistic"] == "p99"
        assert alarms["cpu"]["DatapointsToAlarm"] == 2
        assert composite.state["arn"].endswith(":alarm:service-degraded"), composite.urn
        assert spec_of(composite.type).arn_pattern().fullmatch(composite.state["arn"]), composite.state["arn"]
