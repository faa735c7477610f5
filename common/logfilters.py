"""No personal data in logs: a logging filter that blanks e-mail addresses, phone numbers, secrets.

Logs travel further and live longer than the database (files, collectors, support tickets), and a
person erased from the record must not survive in them. Services log ids; this filter catches what
slips through anyway: a URL with `?q=someone@example.com`, an exception quoting a row, a header.
It rewrites the record's message (arguments merged in) and its traceback text.
"""

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International numbers (+33 6 12 34 56 78) and French national ones (06 12 34 56 78, 0612345678);
# dates and times (2024-05-01 12:30:45) do not match: a phone number is digit pairs after a 0 or a +.
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}(?:[ .-]?\(?\d\)?)(?:[ .-]?\d){7,12}|0[1-9](?:[ .-]?\d{2}){4})(?!\d)")
# "password=…", "'password': '…'", "secret: …", "token=…" (also in URLs and JSON).
SECRET_FIELD = re.compile(
    r"""(?i)(["']?(?:password|passwd|secret|token|api[_-]?key|sessionid|csrftoken)["']?\s*[:=]\s*)(["']?)[^\s"'&,;}]+"""
)
# "Authorization: Token 9944b0…", "Bearer eyJ…" and bare API keys (DRF keys are 40 hexadecimal digits).
CREDENTIAL = re.compile(r"(?i)\b(token|bearer|basic)\s+[\w.~+/=-]{8,}")
API_KEY = re.compile(r"\b[0-9a-f]{40}\b")


def scrub(text: str) -> str:
    """The text with e-mail addresses, phone numbers, secrets and credentials blanked."""
    text = SECRET_FIELD.sub(r"\1\2[hidden]", text)
    text = CREDENTIAL.sub(r"\1 [hidden]", text)
    text = API_KEY.sub("[hidden]", text)
    text = EMAIL.sub("[email]", text)
    return PHONE.sub("[phone]", text)


class PersonalDataFilter(logging.Filter):
    """Attach to handlers: every record they write is scrubbed first (never dropped)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: keep what can be kept, never lose the record
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
