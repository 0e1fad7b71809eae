"""What the scheduled checks task and the platform agree on, standard library only (the Pulumi program
imports it without boto3): the metric the task publishes, the checks that alarm, the task's settings."""

from __future__ import annotations

NAMESPACE = "Postings/Checks"
METRIC = "CheckStatus"
# The checks whose CRITICAL raises a CloudWatch alarm; the alarms check only repeats other alarms.
ALARMED = ("http", "ready", "database", "queues", "search")
ENVIRONMENT = "CHECK_ENVIRONMENT"
SERVICE_URL = "CHECK_SERVICE_URL"
DATABASE = "CHECK_DATABASE_INSTANCE"
BROKER = "CHECK_BROKER"
SEARCH_DOMAIN = "CHECK_SEARCH_DOMAIN"
ALARM_PREFIX = "CHECK_ALARM_PREFIX"
REGION = "AWS_REGION"
