"""Pages of the workflow: reception's forms and follow-up, queues, inboxes, item pages, settings, the bell.

Thin doors, split by screen: they parse forms, call `workflow.services` and `workflow.selectors`, and
answer service errors with the status codes of DESIGN.md section 10 (out of scope 404, not allowed
403, bad input 400 with the form's errors, state conflict 409 with a message).
"""
