"""French and English catalogs stay complete, and the compiled files match them.

`make messages` refreshes the catalogs from the code (it needs GNU gettext); CI checks that the
catalogs hold every string of the code (.ci/run). These tests need only Python.
"""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_string_has_a_translation_and_none_is_fuzzy(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 300
    untranslated = [entry.msgid for entry in catalog.untranslated_entries() if not entry.obsolete]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == [], f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_the_english_catalog_reads_as_the_source_strings():
    """Source strings are English: an English entry that says something else is a fuzzy guess kept by mistake."""
    catalog = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    wrong = [
        (entry.msgid, entry.msgstr)
        for entry in catalog
        if not entry.obsolete
        and (entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural} if entry.msgid_plural
             else entry.msgstr != entry.msgid)
    ]  # fmt: skip
    assert wrong == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_compiled_catalog_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    source = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
              for e in polib.pofile(str(folder / "django.po")).translated_entries()}  # fmt: skip
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                for e in polib.mofile(str(folder / "django.mo")) if e.msgid}  # fmt: skip
    assert compiled == source, "run `make messages` to compile the catalogs"


def test_pages_speak_french_by_default_and_english_on_request(client):
    french = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="fr"' in french.text and "Se connecter" in french.text
    assert 'lang="en"' in english.text and "Sign in" in english.text
