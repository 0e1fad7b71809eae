"""Logs, alarms, dashboards and notifications on the emulated account: CloudWatch, CloudWatch Logs, SNS."""

from __future__ import annotations

from typing import Any

from infra.rehearsal.emulation import Context, Emulated, Resource, emulates, tags_list


@emulates("aws:cloudwatch/logGroup:LogGroup", note="create_log_group, put_retention_policy")
def log_group(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=512)
    kwargs: dict[str, Any] = {"logGroupName": name}
    if r.get("kmsKeyId"):
        kwargs["kmsKeyId"] = r.get("kmsKeyId")
    if r.get("tags"):
        kwargs["tags"] = dict(r.get("tags"))
    ctx.aws(r, "name", "logs", "create_log_group", **kwargs)
    if r.get("retentionInDays"):
        ctx.aws(
            r,
            "retentionInDays",
            "logs",
            "put_retention_policy",
            logGroupName=name,
            retentionInDays=int(r.get("retentionInDays")),
        )
    return name, {"name": name, "arn": ctx.arn("logs", f"log-group:{name}")}


@emulates("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", note="logs put_resource_policy")
def log_resource_policy(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("policyName"))
    ctx.aws(
        r,
        "policyDocument",
        "logs",
        "put_resource_policy",
        policyName=name,
        policyDocument=r.get("policyDocument"),
    )
    return name, {}


@emulates("aws:cloudwatch/metricAlarm:MetricAlarm", note="put_metric_alarm")
def metric_alarm(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=255)
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


@emulates("aws:cloudwatch/dashboard:Dashboard", note="put_dashboard")
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


@emulates("aws:sns/topic:Topic", note="create_topic")
def topic(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name(max_length=256)
    attributes = {
        boto: str(r.get(key))
        for key, boto in (
            ("kmsMasterKeyId", "KmsMasterKeyId"),
            ("displayName", "DisplayName"),
            ("policy", "Policy"),
        )
        if r.get(key) is not None
    }
    if r.get("fifoTopic"):
        attributes["FifoTopic"] = "true"
    created = ctx.aws(
        r, "name", "sns", "create_topic", Name=name, Attributes=attributes, Tags=tags_list(r.get("tags"))
    )
    return created["TopicArn"], {"arn": created["TopicArn"], "name": name, "owner": ctx.account_id}


@emulates("aws:sns/topicSubscription:TopicSubscription", note="subscribe")
def topic_subscription(ctx: Context, r: Resource) -> Emulated:
    created = ctx.aws(
        r,
        "endpoint",
        "sns",
        "subscribe",
        TopicArn=r.get("topic"),
        Protocol=r.get("protocol"),
        Endpoint=r.get("endpoint"),
        ReturnSubscriptionArn=True,
    )
    arn = created["SubscriptionArn"]
    return arn, {
        "arn": arn,
        "ownerId": ctx.account_id,
        "pendingConfirmation": r.get("protocol") in ("email", "email-json"),
    }
