"""CloudWatch: metric alarms and dashboards."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import Emulated, Naming, emulates

ALARM_NAME = Naming(
    max_length=255,
    source=(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
        " (AlarmName: 1-255)"
    ),
)
DASHBOARD_NAME = Naming(
    key="dashboardName",
    max_length=255,
    pattern=r"[A-Za-z0-9_-]+",
    source=(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"
        " (DashboardName: up to 255 letters, digits, - and _)"
    ),
)


@emulates(
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    note="put_metric_alarm",
    replace_on={"name"},
    naming=ALARM_NAME,
    arn="arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}",
)
def metric_alarm(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "AlarmName": name,
        "ComparisonOperator": r.get("comparisonOperator"),
        "EvaluationPeriods": int(r.get("evaluationPeriods")),
        "ActionsEnabled": bool(r.get("actionsEnabled", True)),
        "AlarmActions": list(r.get("alarmActions", [])),
        "OKActions": list(r.get("okActions", [])),
        "InsufficientDataActions": list(r.get("insufficientDataActions", [])),
        "Tags": tags_list(r.get("tags")),
    }
    optional = {
        "metricName": "MetricName",
        "namespace": "Namespace",
        "statistic": "Statistic",
        "extendedStatistic": "ExtendedStatistic",
        "threshold": "Threshold",
        "alarmDescription": "AlarmDescription",
        "treatMissingData": "TreatMissingData",
        "unit": "Unit",
    }
    kwargs.update({boto: r.get(key) for key, boto in optional.items() if r.get(key) is not None})
    for key, boto in (("period", "Period"), ("datapointsToAlarm", "DatapointsToAlarm")):
        if r.get(key) is not None:
            kwargs[boto] = int(r.get(key))
    if r.get("dimensions"):
        kwargs["Dimensions"] = [{"Name": k, "Value": str(v)} for k, v in sorted(r.get("dimensions").items())]
    if r.get("metricQueries"):
        kwargs["Metrics"] = [_metric_query(q) for q in r.get("metricQueries")]
    ctx.aws(r, "metricName", "cloudwatch", "put_metric_alarm", **kwargs)
    return name, {"name": name, "arn": ctx.arn("cloudwatch", f"alarm:{name}")}


def _metric_query(query: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"Id": query["id"], "ReturnData": bool(query.get("returnData", False))}
    if query.get("expression"):
        converted["Expression"] = query["expression"]
    if query.get("label"):
        converted["Label"] = query["label"]
    metric = query.get("metric")
    if metric:
        converted["MetricStat"] = {
            "Metric": {
                "Namespace": metric["namespace"],
                "MetricName": metric["metricName"],
                "Dimensions": [
                    {"Name": k, "Value": str(v)} for k, v in sorted((metric.get("dimensions") or {}).items())
                ],
            },
            "Period": int(metric["period"]),
            "Stat": metric["stat"],
        }
    return converted


@emulates(
    "aws:cloudwatch/dashboard:Dashboard",
    note="put_dashboard",
    replace_on={"dashboardName"},
    naming=DASHBOARD_NAME,
    arn="arn:{partition}:cloudwatch::{account}:dashboard/{name}",
)
def dashboard(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("dashboardName"))
    ctx.aws(
        r,
        "dashboardBody",
        "cloudwatch",
        "put_dashboard",
        DashboardName=name,
        DashboardBody=r.get("dashboardBody"),
    )
    return name, {"dashboardArn": ctx.arn("cloudwatch", f"dashboard/{name}", region=False)}
