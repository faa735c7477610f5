"""Keep the translation catalogs in step with the code.

    python scripts/catalogs.py fill-english   # English msgstr = msgid where empty (source strings are English)
    python scripts/catalogs.py check          # fail when the code has strings the catalogs lack

`check` runs `makemessages` (GNU gettext's xgettext) on a scratch copy and compares message ids, so
the working tree is left as it was.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
MAKEMESSAGES = [sys.executable, "manage.py", "makemessages", "-l", "fr", "-l", "en", "--add-location=file",
                "--no-obsolete", "--ignore=.venv", "--ignore=tests", "--ignore=bench", "--ignore=staticfiles",
                "--ignore=build", "--ignore=scripts"]  # fmt: skip


def fill_english() -> None:
    path = LOCALE / "en" / "LC_MESSAGES" / "django.po"
    catalog = polib.pofile(str(path))
    for entry in catalog:
        # A fuzzy entry is makemessages' guess from a neighbouring string (its placeholders may even
        # differ, which msgfmt refuses): in English the source string itself is the translation.
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr, entry.msgstr_plural = "", dict.fromkeys(entry.msgstr_plural, "")
            entry.previous_msgid = entry.previous_msgid_plural = None
        if entry.msgid_plural and not any(entry.msgstr_plural.values()):
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        elif not entry.msgid_plural and not entry.msgstr:
            entry.msgstr = entry.msgid
    catalog.save(str(path))


def _ids(path: Path) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)) if not entry.obsolete}


def check() -> int:
    committed = {lang: _ids(LOCALE / lang / "LC_MESSAGES" / "django.po") for lang in ("fr", "en")}
    with tempfile.TemporaryDirectory() as scratch:
        backup = Path(scratch) / "locale"
        shutil.copytree(LOCALE, backup)
        try:
            subprocess.run(MAKEMESSAGES, cwd=ROOT, check=True, capture_output=True)  # noqa: S603 - our own fixed command
            fresh = {lang: _ids(LOCALE / lang / "LC_MESSAGES" / "django.po") for lang in ("fr", "en")}
        finally:
            shutil.rmtree(LOCALE)
            shutil.copytree(backup, LOCALE)
    missing = {lang: sorted(fresh[lang] - committed[lang], key=str) for lang in fresh}
    if any(missing.values()):
        for lang, ids in missing.items():
            for _context, msgid in ids[:20]:
                print(f"{lang}: missing {msgid!r}")
        print("Run `make messages` and translate the new strings.")
        return 1
    print("Catalogs hold every string of the code.")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "fill-english":
        fill_english()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)
