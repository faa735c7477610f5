"""No personal data in logs: whatever a log call carries, the handlers write it blanked."""

import logging

import pytest
from django.conf import settings

from common.logfilters import PersonalDataFilter, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /api/v1/clients/?q=jeanne.dupont@example.fr", "GET /api/v1/clients/?q=[email]"),
        ("caller 06 12 34 56 78 then +33 6 12 34 56 78", "caller [phone] then [phone]"),
        ("lookup ?phone=0320123456&page=2", "lookup ?phone=[phone]&page=2"),
        ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "Authorization: Token [hidden]"),
        ("key 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b used", "key [hidden] used"),
        ("{'username': 'ana', 'password': 'S3cret!'}", "{'username': 'ana', 'password': '[hidden]'}"),
        ("login?password=hunter2&next=/", "login?password=[hidden]&next=/"),
        ('"token": "abc.def.ghi"', '"token": "[hidden]"'),
        # What must stay: ids, dates, times, durations, sizes.
        ("request 12345 at 2024-05-01 12:30:45 took 0.25 s", "request 12345 at 2024-05-01 12:30:45 took 0.25 s"),
        ("outbox 98 (workflow.tasks.send_notification_email)", "outbox 98 (workflow.tasks.send_notification_email)"),
    ],
)
def test_personal_data_and_secrets_are_blanked_and_the_rest_kept(text, expected):
    assert scrub(text) == expected


def test_a_record_is_written_scrubbed_arguments_and_traceback_included(caplog):
    logger = logging.getLogger("tests.logfilters")
    caplog.handler.addFilter(PersonalDataFilter())
    try:
        raise ValueError("duplicate key (email)=(ana@example.com)")
    except ValueError:
        logger.exception("could not save %s for %s", "ana@example.com", "06 12 34 56 78")

    record = caplog.records[-1]
    assert record.getMessage() == "could not save [email] for [phone]"
    assert "ana@example.com" not in caplog.text and "[email]" in caplog.text
    assert "(email)=([email])" in caplog.text  # the traceback too


def test_every_handler_of_the_settings_scrubs():
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("no_personal_data" in handler.get("filters", []) for handler in handlers.values())
    assert settings.LOGGING["filters"]["no_personal_data"]["()"] == "common.logfilters.PersonalDataFilter"
