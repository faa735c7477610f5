"""A slow SMTP server, for the worker-kill script: Django's file-based backend that takes its time.

Once the script creates `<FAULTS_SENDING_DIR>/slow` (after the seed's e-mails went, at full speed),
each send first writes a marker `<FAULTS_SENDING_DIR>/<pid>` (this process is talking to the mail
server), waits FAULTS_MAIL_DELAY seconds (the exchange), writes the message (the server accepted
it), then removes the marker. The script kills a worker while a marker says it is mid-exchange.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["FAULTS_SENDING_DIR"])
        if not (folder / "slow").exists():
            return super().send_messages(email_messages)
        marker = folder / str(os.getpid())
        marker.write_text(str(time.time()))
        try:
            time.sleep(float(os.environ.get("FAULTS_MAIL_DELAY", "1")))
            return super().send_messages(email_messages)
        finally:
            marker.unlink(missing_ok=True)
