"""CloudWatch: metric and composite alarms, dashboards."""

from __future__ import annotations

import re
from typing import Any

from infra.rehearsal.emulation import (
    Context,
    Resource,
    tags_list,
)
from infra.rehearsal.spec import Emulated, Naming, Validation, emulates, rule

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
    if "ExtendedStatistic" in kwargs and not re.fullmatch(r"p[\d.]+", str(kwargs["ExtendedStatistic"])):
        # moto 5 stores percentiles only and refuses the other documented forms (tm90, IQM, PR(n:m), ...),
        # which cloudwatch-alarm-extended-statistic has checked: the alarm is kept without its statistic.
        del kwargs["ExtendedStatistic"]
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


METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
PUT_METRIC_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
HIGH_RESOLUTION_PERIODS = (10, 20, 30)
ONE_DAY, ONE_HOUR, SEVEN_DAYS = 86400, 3600, 7 * 86400


def _period_problem(period: int, where: str) -> str | None:
    if period in HIGH_RESOLUTION_PERIODS or (period > 0 and period % 60 == 0):
        return None
    return f"{where} must be 10, 20, 30 or a multiple of 60 seconds; got {period}"


@rule(
    "cloudwatch-alarm-period",
    METRIC_ALARM,
    prop="period",
    summary="An alarm's period is 10, 20, 30 or a multiple of 60 seconds",
    source=PUT_METRIC_ALARM + " (Period)",
)
def _alarm_period(ctx: Context, r: Resource) -> str | None:
    if r.get("period") is not None:
        return _period_problem(int(r.get("period")), "the period")
    for query in r.get("metricQueries", []):
        metric = query.get("metric") or {}
        if metric.get("period") is not None:
            problem = _period_problem(int(metric["period"]), f"metric query {query.get('id')}'s period")
            if problem:
                return problem
    return None


@rule(
    "cloudwatch-alarm-evaluation-range",
    METRIC_ALARM,
    prop="evaluationPeriods",
    summary="evaluationPeriods * period is at most one day (seven days for periods of an hour or more)",
    source=PUT_METRIC_ALARM + " (EvaluationPeriods)",
)
def _evaluation_range(ctx: Context, r: Resource) -> str | None:
    periods, period = r.get("evaluationPeriods"), r.get("period")
    if periods is None or period is None:
        return None
    total, limit = int(periods) * int(period), SEVEN_DAYS if int(period) >= ONE_HOUR else ONE_DAY
    if total <= limit:
        return None
    return (
        f"{periods} periods of {period} s evaluate {total} s of data; at most {limit} s "
        f"({'seven days' if limit == SEVEN_DAYS else 'one day'}) are allowed"
    )


@rule(
    "cloudwatch-alarm-one-statistic",
    METRIC_ALARM,
    prop="extendedStatistic",
    summary="An alarm on a single metric names statistic or extendedStatistic, not both",
    source=PUT_METRIC_ALARM + " (Statistic, ExtendedStatistic)",
)
def _one_statistic(ctx: Context, r: Resource) -> str | None:
    if r.get("statistic") and r.get("extendedStatistic"):
        return "statistic and extendedStatistic are exclusive: give one"
    if (
        r.get("metricName")
        and not r.get("metricQueries")
        and not (r.get("statistic") or r.get("extendedStatistic"))
    ):
        return "an alarm on metricName needs statistic or extendedStatistic"
    return None


# PutMetricAlarm's ExtendedStatistic: p90, tm90, tc90, ts90, wm90, IQM, PR(n:m), TC/TM/TS/WM(X%:X%).
_SHORT_STATISTIC = re.compile(r"(p|tm|tc|ts|wm)(\d+(?:\.\d+)?)", re.IGNORECASE)
_RANGE_STATISTIC = re.compile(r"(PR|TC|TM|TS|WM)\([^():]*:[^():]*\)|IQM", re.IGNORECASE)


@rule(
    "cloudwatch-alarm-extended-statistic",
    METRIC_ALARM,
    prop="extendedStatistic",
    summary="An extended statistic is a percentile p0.0-p100 or another documented form (tm90, IQM, ...)",
    source=PUT_METRIC_ALARM + " (ExtendedStatistic)",
)
def _extended_statistic(ctx: Context, r: Resource) -> str | None:
    value = r.get("extendedStatistic")
    if not isinstance(value, str) or not value or _RANGE_STATISTIC.fullmatch(value):
        return None
    short = _SHORT_STATISTIC.fullmatch(value)
    if short is None:
        return f"extendedStatistic {value!r} is none of p90, tm90, tc90, ts90, wm90, IQM, PR(n:m), TM(X%:X%)"
    if float(short.group(2)) > 100:
        return f"extendedStatistic {value!r} is above 100: a percentile is between p0.0 and p100"
    return None


ANOMALY_OPERATORS = (
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
)


@rule(
    "cloudwatch-alarm-anomaly-operator",
    METRIC_ALARM,
    prop="comparisonOperator",
    summary="The band operators (GreaterThanUpperThreshold, ...) go with thresholdMetricId, and only they do",
    source=PUT_METRIC_ALARM
    + " (ComparisonOperator: LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold"
    " and GreaterThanUpperThreshold are used only for alarms based on anomaly detection models)",
)
def _anomaly_operator(ctx: Context, r: Resource) -> str | None:
    operator, band = r.get("comparisonOperator"), r.get("thresholdMetricId")
    if operator in ANOMALY_OPERATORS and not band:
        return f"{operator} compares with an anomaly detection band: set thresholdMetricId to the band's id"
    if band and operator is not None and operator not in ANOMALY_OPERATORS:
        return (
            f"thresholdMetricId {band!r} makes this an anomaly detection alarm, which compares with "
            f"{', '.join(ANOMALY_OPERATORS)}, not {operator}"
        )
    return None


@rule(
    "cloudwatch-alarm-datapoints",
    METRIC_ALARM,
    prop="datapointsToAlarm",
    summary="datapointsToAlarm (M of an M-out-of-N alarm) is at most evaluationPeriods (N)",
    source="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html"
    "#alarm-evaluation",
)
def _datapoints(ctx: Context, r: Resource) -> str | None:
    points, periods = r.get("datapointsToAlarm"), r.get("evaluationPeriods")
    if points is None or periods is None or int(points) <= int(periods):
        return None
    return f"datapointsToAlarm ({points}) can't exceed evaluationPeriods ({periods})"


COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
PUT_COMPOSITE_ALARM = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html"
)
_RULE_REFERENCE = re.compile(r"\b(ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(\"[^\"]*\"|[^)\s]+)\s*\)")


def _referenced_alarms(rule_text: str) -> list[str]:
    names = []
    for match in _RULE_REFERENCE.finditer(rule_text):
        name = match.group(2).strip('"')
        names.append(name.rsplit(":alarm:", 1)[-1])
    return names


@rule(
    "cloudwatch-composite-rule-alarms-exist",
    COMPOSITE_ALARM,
    prop="alarmRule",
    summary="A composite alarm's rule references existing alarms by ALARM(), OK() or INSUFFICIENT_DATA()",
    source=PUT_COMPOSITE_ALARM + " (AlarmRule)",
)
def _composite_references(ctx: Context, r: Resource) -> str | None:
    text = r.get("alarmRule")
    if not isinstance(text, str):
        return None
    names = _referenced_alarms(text)
    if not names and text.strip() not in ("TRUE", "FALSE"):
        return f"the alarm rule {text!r} references no alarm through ALARM(), OK() or INSUFFICIENT_DATA()"
    if text.count("(") != text.count(")"):
        return f"the alarm rule {text!r} has unbalanced parentheses"
    if not names:
        return None
    found = ctx.client("cloudwatch").describe_alarms(
        AlarmNames=names, AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    )
    known = {a["AlarmName"] for a in found.get("MetricAlarms", []) + found.get("CompositeAlarms", [])}
    missing = [n for n in names if n not in known]
    if missing:
        return f"Could not save the composite alarm as alarms {missing} in the alarm rule do not exist"
    return None


@emulates(
    COMPOSITE_ALARM,
    note="moto has no PutCompositeAlarm: the request is checked against the service model and the alarms its "
    "rule references are read back from the account, nothing is created",
    replace_on={"alarmName"},
    naming=Naming(
        key="alarmName",
        max_length=255,
        source=PUT_COMPOSITE_ALARM + " (AlarmName: 1-255)",
    ),
    arn="arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}",
    validation=Validation.UNVALIDATED,
)
def composite_alarm(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "AlarmName": name,
        "AlarmRule": r.get("alarmRule"),
        "ActionsEnabled": bool(r.get("actionsEnabled", True)),
        "AlarmActions": list(r.get("alarmActions", [])),
        "OKActions": list(r.get("okActions", [])),
        "InsufficientDataActions": list(r.get("insufficientDataActions", [])),
        "Tags": tags_list(r.get("tags")),
    }
    if r.get("alarmDescription"):
        kwargs["AlarmDescription"] = r.get("alarmDescription")
    ctx.check(r, "alarmRule", "cloudwatch", "put_composite_alarm", **kwargs)
    return name, {"alarmName": name, "arn": ctx.arn("cloudwatch", f"alarm:{name}")}


PROVIDER_METRIC_ALARM = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/cloudwatch/metric_alarm.go"
PROVIDER_METRIC_ALARM_TEST = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/cloudwatch/metric_alarm_test.go"
MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")
LOW_SAMPLE_COUNT = ("evaluate", "ignore")


def _one_of_rule(rule_id: str, prop: str, allowed: tuple[str, ...]) -> None:
    """The provider's StringInSlice(..., true): one of `allowed`, whatever its case."""

    def check(ctx: Context, r: Resource) -> str | None:
        value = r.get(prop)
        if not isinstance(value, str) or value.lower() in {a.lower() for a in allowed}:
            return None
        return f"{prop} {value!r} is not one of {', '.join(allowed)}"

    check.__qualname__ = f"check_{prop}"
    rule(
        rule_id,
        METRIC_ALARM,
        prop=prop,
        summary=f"An alarm's {prop} is one of {', '.join(allowed)}",
        source=f"{PUT_METRIC_ALARM}; {PROVIDER_METRIC_ALARM}",
    )(check)


_one_of_rule("cloudwatch-alarm-treat-missing-data", "treatMissingData", MISSING_DATA)
_one_of_rule("cloudwatch-alarm-low-sample-count", "evaluateLowSampleCountPercentiles", LOW_SAMPLE_COUNT)

# The single-metric inputs the provider declares ConflictsWith metric_query.
SINGLE_METRIC_INPUTS = ("metricName", "namespace", "dimensions", "period", "statistic", "extendedStatistic")
QUERY_ID = re.compile(r"[a-z][A-Za-z0-9_]*")


@rule(
    "cloudwatch-alarm-metric-queries",
    METRIC_ALARM,
    prop="metricQueries",
    summary="An alarm on metric queries gives no single-metric input, exactly one query returns data (an "
    "anomaly detection alarm: the metric and its band), each query id starts with a lowercase letter, and no "
    "query has both an expression and a metric",
    source=f"{PUT_METRIC_ALARM} (Metrics); {PROVIDER_METRIC_ALARM_TEST} (the anomaly detection alarm); "
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html (Id, "
    "ReturnData)",
)
def _metric_queries(ctx: Context, r: Resource) -> str | None:
    queries = r.get("metricQueries") or []
    if not queries:
        return None
    single = [key for key in SINGLE_METRIC_INPUTS if r.get(key) not in (None, "", {})]
    if single:
        return f"metricQueries can't be given with {', '.join(single)}: put the metric in a query instead"
    ids = [q.get("id") for q in queries]
    bad = [i for i in ids if isinstance(i, str) and not QUERY_ID.fullmatch(i)]
    if bad:
        return f"metric query id {bad[0]!r} must start with a lowercase letter and hold letters, digits and _"
    both = [q.get("id") for q in queries if q.get("expression") and q.get("metric")]
    if both:
        return f"metric query {both[0]!r} has both an expression and a metric"
    returning = [q.get("id") for q in queries if q.get("returnData")]
    if len(returning) == 1:
        return None
    band = r.get("thresholdMetricId")
    if band and band in returning and len(returning) == 2:
        # An anomaly detection alarm returns both the metric and its ANOMALY_DETECTION_BAND (the band is
        # the threshold), as the provider's own acceptance test against AWS does.
        return None
    shown = ", ".join(map(str, returning))
    return f"exactly one metric query must set returnData; {len(returning)} do ({shown})"
