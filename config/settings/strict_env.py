"""django-environ, made loud: a value it cannot read stops start-up with a message naming the variable.

Stock django-environ reads any unknown boolean as False (`DJANGO_DEBUG=maybe` would quietly mean "off")
and lets a bad integer escape as a bare ValueError that names no variable.
"""

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BOOLEAN_FALSE_STRINGS = ("false", "off", "no", "n", "0", "")


class StrictEnv(environ.Env):
    def get_value(self, var: str, cast: Any = None, default: Any = environ.Env.NOTSET, parse_default: bool = False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as exc:
            # Only the parser's reason, not the raw value: that may be a password inside a URL.
            raise ImproperlyConfigured(f"The environment variable {var} has a malformed value: {exc}") from exc

    @classmethod
    def parse_value(cls, value: Any, cast: Any) -> Any:
        if cast is bool and isinstance(value, str):
            word = value.strip().lower()
            if word in cls.BOOLEAN_TRUE_STRINGS:
                return True
            if word in BOOLEAN_FALSE_STRINGS:
                return False
            raise ValueError(f"expected a boolean (true/false, yes/no, on/off, 1/0), got {value!r}")
        return super().parse_value(value, cast)
