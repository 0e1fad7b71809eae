"""CloudWatch cases: metric alarms (periods, evaluation range, statistics, M of N) and composite alarms."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
PUT_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
PUT_COMPOSITE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html"


def _alarm(name: str = "cpu", **overrides: Any) -> aws.cloudwatch.MetricAlarm:
    args: dict[str, Any] = {
        "name": name,
        "namespace": "AWS/EC2",
        "metric_name": "CPUUtilization",
        "statistic": "Average",
        "comparison_operator": "GreaterThanThreshold",
        "threshold": 80,
        "period": 300,
        "evaluation_periods": 3,
    }
    args.update(overrides)
    return aws.cloudwatch.MetricAlarm(name, **args)


@valid("cloudwatch")
def cloudwatch_alarms_and_composite() -> None:
    cpu = _alarm(datapoints_to_alarm=2)
    latency = _alarm(
        "latency",
        namespace="AWS/ApplicationELB",
        metric_name="TargetResponseTime",
        statistic=None,
        extended_statistic="p99",
        period=60,
        evaluation_periods=5,
    )
    daily = _alarm("daily", period=3600, evaluation_periods=48, threshold=10)
    aws.cloudwatch.Dashboard(
        "service",
        dashboard_name="corpus-service",
        dashboard_body=json.dumps(
            {
                "widgets": [
                    {
                        "type": "metric",
                        "properties": {
                            "metrics": [["AWS/EC2", "CPUUtilization"]],
                            "period": 300,
                            "stat": "Average",
                            "region": "eu-west-1",
                        },
                    }
                ]
            }
        ),
    )
    aws.cloudwatch.CompositeAlarm(
        "service-degraded",
        alarm_name="service-degraded",
        alarm_rule=pulumi.Output.all(cpu.name, latency.name, daily.name).apply(
            lambda n: f'ALARM("{n[0]}") AND (ALARM("{n[1]}") OR NOT OK("{n[2]}"))'
        ),
    )


@refused("cloudwatch", token=ALARM, prop="period", source=PUT_ALARM)
def cloudwatch_period_45_seconds() -> None:
    _alarm(period=45)


@refused("cloudwatch", token=ALARM, prop="period", source=PUT_ALARM)
def cloudwatch_period_90_seconds() -> None:
    _alarm(period=90)


@refused("cloudwatch", token=ALARM, prop="evaluationPeriods", source=PUT_ALARM)
def cloudwatch_evaluation_longer_than_a_day() -> None:
    _alarm(period=300, evaluation_periods=300)


@refused("cloudwatch", token=ALARM, prop="evaluationPeriods", source=PUT_ALARM)
def cloudwatch_hourly_evaluation_longer_than_a_week() -> None:
    _alarm(period=3600, evaluation_periods=200)


@refused("cloudwatch", token=ALARM, prop="extendedStatistic", source=PUT_ALARM)
def cloudwatch_statistic_and_extended_statistic() -> None:
    _alarm(extended_statistic="p99")


@refused("cloudwatch", token=ALARM, prop="comparisonOperator", source=PUT_ALARM)
def cloudwatch_comparison_operator_symbol() -> None:
    _alarm(comparison_operator=">")


@refused(
    "cloudwatch",
    token=ALARM,
    prop="datapointsToAlarm",
    source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation",
)
def cloudwatch_datapoints_above_evaluation_periods() -> None:
    _alarm(datapoints_to_alarm=5)


@refused("cloudwatch", token=COMPOSITE, prop="alarmRule", source=PUT_COMPOSITE)
def cloudwatch_composite_of_missing_alarm() -> None:
    aws.cloudwatch.CompositeAlarm("degraded", alarm_name="degraded", alarm_rule='ALARM("never-created")')


@refused("cloudwatch", token=COMPOSITE, prop="alarmRule", source=PUT_COMPOSITE)
def cloudwatch_composite_rule_with_bare_names() -> None:
    cpu = _alarm()
    aws.cloudwatch.CompositeAlarm(
        "degraded", alarm_name="degraded", alarm_rule=cpu.name.apply(lambda name: f"{name} AND latency")
    )


QUERY = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html"
PROVIDER_ALARM = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/cloudwatch/metric_alarm.go"


def _error_rate(**overrides: Any) -> aws.cloudwatch.MetricAlarm:
    def metric(name: str) -> dict[str, Any]:
        return {"namespace": "AWS/ApiGateway", "metric_name": name, "period": 60, "stat": "Sum"}

    args: dict[str, Any] = {
        "comparison_operator": "GreaterThanThreshold",
        "threshold": 5,
        "evaluation_periods": 3,
        "treat_missing_data": "notBreaching",
        "metric_queries": [
            {"id": "errors", "metric": metric("5XXError")},
            {"id": "requests", "metric": metric("Count")},
            {"id": "rate", "expression": "100 * errors / requests", "return_data": True},
        ],
    }
    args.update(overrides)
    return aws.cloudwatch.MetricAlarm("error-rate", **args)


@valid("cloudwatch")
def cloudwatch_metric_math_alarm_and_percentile_alarm() -> None:
    _error_rate()
    _alarm(
        "latency",
        statistic=None,
        extended_statistic="p99",
        evaluate_low_sample_count_percentiles="ignore",
        treat_missing_data="breaching",
    )


@refused("cloudwatch", token=ALARM, prop="treatMissingData", source=PUT_ALARM)
def cloudwatch_treat_missing_data_ignored() -> None:
    _alarm(treat_missing_data="ignored")


@refused("cloudwatch", token=ALARM, prop="evaluateLowSampleCountPercentiles", source=PUT_ALARM)
def cloudwatch_low_sample_count_yes() -> None:
    _alarm(statistic=None, extended_statistic="p99", evaluate_low_sample_count_percentiles="yes")


@refused("cloudwatch", token=ALARM, prop="metricQueries", source=PUT_ALARM)
def cloudwatch_metric_name_and_metric_queries() -> None:
    _error_rate(metric_name="Errors", namespace="App", period=60, statistic="Sum")


@refused("cloudwatch", token=ALARM, prop="metricQueries", source=QUERY)
def cloudwatch_two_queries_returning_data() -> None:
    metric = {"namespace": "AWS/ApiGateway", "metric_name": "5XXError", "period": 60, "stat": "Sum"}
    _error_rate(
        metric_queries=[
            {"id": "errors", "metric": metric, "return_data": True},
            {"id": "scaled", "expression": "errors * 2", "return_data": True},
        ]
    )


@refused("cloudwatch", token=ALARM, prop="metricQueries", source=QUERY)
def cloudwatch_no_query_returning_data() -> None:
    metric = {"namespace": "AWS/ApiGateway", "metric_name": "5XXError", "period": 60, "stat": "Sum"}
    _error_rate(metric_queries=[{"id": "errors", "metric": metric}])


@refused("cloudwatch", token=ALARM, prop="metricQueries", source=QUERY)
def cloudwatch_query_id_starting_upper_case() -> None:
    metric = {"namespace": "AWS/ApiGateway", "metric_name": "5XXError", "period": 60, "stat": "Sum"}
    _error_rate(metric_queries=[{"id": "Errors", "metric": metric, "return_data": True}])


@refused("cloudwatch", token=ALARM, prop="metricQueries", source=PROVIDER_ALARM)
def cloudwatch_query_with_expression_and_metric() -> None:
    metric = {"namespace": "AWS/ApiGateway", "metric_name": "5XXError", "period": 60, "stat": "Sum"}
    _error_rate(metric_queries=[{"id": "errors", "metric": metric, "expression": "m1", "return_data": True}])


@valid("cloudwatch")
def cloudwatch_anomaly_detection_alarm() -> None:
    metric = aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
        namespace="AWS/ApiGateway", metric_name="Latency", period=300, stat="p99"
    )
    aws.cloudwatch.MetricAlarm(
        "latency-anomaly",
        comparison_operator="GreaterThanUpperThreshold",
        evaluation_periods=2,
        threshold_metric_id="band",
        metric_queries=[
            aws.cloudwatch.MetricAlarmMetricQueryArgs(id="latency", metric=metric, return_data=True),
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="band", expression="ANOMALY_DETECTION_BAND(latency, 2)", return_data=True
            ),
        ],
    )
    _alarm("trimmed-mean", statistic=None, extended_statistic="tm99")
    _alarm("interquartile", statistic=None, extended_statistic="IQM")
    _alarm("percentile-rank", statistic=None, extended_statistic="PR(:300)")


@refused("cloudwatch", token=ALARM, prop="extendedStatistic", source=PUT_ALARM)
def cloudwatch_percentile_above_100() -> None:
    _alarm(statistic=None, extended_statistic="p100.5")


@refused("cloudwatch", token=ALARM, prop="extendedStatistic", source=PUT_ALARM)
def cloudwatch_extended_statistic_unknown_form() -> None:
    _alarm(statistic=None, extended_statistic="percentile99")


@refused("cloudwatch", token=ALARM, prop="comparisonOperator", source=PUT_ALARM)
def cloudwatch_band_operator_on_a_static_threshold() -> None:
    _alarm(comparison_operator="GreaterThanUpperThreshold")


@refused("cloudwatch", token=ALARM, prop="comparisonOperator", source=PUT_ALARM)
def cloudwatch_anomaly_band_compared_as_a_static_threshold() -> None:
    metric = aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
        namespace="AWS/ApiGateway", metric_name="Latency", period=300, stat="p99"
    )
    aws.cloudwatch.MetricAlarm(
        "latency-anomaly",
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=2,
        threshold_metric_id="band",
        metric_queries=[
            aws.cloudwatch.MetricAlarmMetricQueryArgs(id="latency", metric=metric, return_data=True),
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="band", expression="ANOMALY_DETECTION_BAND(latency, 2)", return_data=True
            ),
        ],
    )
