"""The workflow over HTTP (DESIGN.md section 10): service requests, leads, their settings, notifications.

Thin doors: each view parses with an input serializer, calls `workflow.services` (or a selector) and
renders with an output serializer. Rights, transitions and validation are the services' business.
The public intake doors (web form, inbound e-mail) live in `workflow.api_intake`.
"""
