"""Reporting's events (see `trace.catalogue`): objectives, alert rules and alerts, on the unit's chain."""

from django.utils.translation import gettext_lazy as _

from trace.catalogue import declare

OBJECTIVE_SET = declare("reporting.objective.set", _("Objective set"))
OBJECTIVE_SPLIT = declare("reporting.objective.split", _("Objective split among units"))
OBJECTIVE_REMOVED = declare("reporting.objective.removed", _("Objective removed"))
ALERT_RULE_CREATED = declare("reporting.alert_rule.created", _("Alert rule created"))
ALERT_RULE_UPDATED = declare("reporting.alert_rule.updated", _("Alert rule changed"))
ALERT_RAISED = declare("reporting.alert.raised", _("Alert raised"))
ALERT_ACKNOWLEDGED = declare("reporting.alert.acknowledged", _("Alert acknowledged"))
ALERT_RESOLVED = declare("reporting.alert.resolved", _("Alert resolved: the condition cleared"))
FACTS_REBUILT = declare("reporting.facts.rebuilt", _("Indicators rebuilt in full"))
