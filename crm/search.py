"""Text normalisation and typo-tolerant matching for client search.

PostgreSQL ranks with pg_trgm's `strict_word_similarity`; SQLite gets the same measure from a Python
function registered on each connection, so both databases give the same answers (DESIGN.md section 4).
"""

import re
import unicodedata
from functools import lru_cache

from django.db.backends.signals import connection_created

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_text(value: str) -> str:
    """Lowercase, accents removed, punctuation folded to single spaces: 'Société Générale' -> 'societe generale'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", ascii_only).strip()


def normalise_phone(value: str) -> str:
    """National digits of a French-style number: '+33 6 12 34 56 78', '0033612345678' -> '0612345678'."""
    digits = re.sub(r"\D", "", value or "")
    if (value or "").strip().startswith("+") and digits.startswith("33"):
        return "0" + digits[2:]
    if digits.startswith("0033"):
        return "0" + digits[4:]
    if digits.startswith("33") and len(digits) == 11:
        return "0" + digits[2:]
    return digits


@lru_cache(maxsize=4096)
def _word_trigrams(word: str) -> frozenset[str]:
    # pg_trgm pads each word with two spaces in front and one behind.
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def trigrams(text: str) -> frozenset[str]:
    result: set[str] = set()
    for word in text.split():
        result |= _word_trigrams(word)
    return frozenset(result)


def strict_word_similarity(query: str, text: str) -> float:
    """The greatest trigram similarity between `query` and any run of whole words of `text`."""
    if not query or not text:
        return 0.0
    wanted = trigrams(query)
    if not wanted:
        return 0.0
    words = text.split()
    best = 0.0
    span = max(1, len(query.split()))
    for start in range(len(words)):
        found: set[str] = set()
        # Runs longer than the query plus two words only dilute the score: stop there.
        for end in range(start, min(len(words), start + span + 2)):
            found |= _word_trigrams(words[end])
            common = len(wanted & found)
            score = common / (len(wanted) + len(found) - common)
            best = max(best, score)
    return best


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "relais_strict_word_similarity", 2, strict_word_similarity, deterministic=True
        )


def register_sqlite_functions() -> None:
    connection_created.connect(_register, dispatch_uid="crm.search.register_sqlite_functions")
