"""Page glue shared by every app: what `common.api` is to the API, for the server-rendered pages.

Services raise `common.errors`; pages answer them with the same status codes as the API
(DESIGN.md section 10): out of scope 404, not allowed 403, bad input 400 with the form's errors,
state conflict 409 with a message.
"""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from common import errors

View = Callable[..., HttpResponse]

# What a browser's `<input type="datetime-local">` sends and shows; the other formats accept seconds
# and the space some browsers and tests type.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def id_from_text(value: str | None, *, max_digits: int = 15) -> int | None:
    """An id typed in a query or a form: ASCII digits, few enough for any id column; else None.

    `str.isdigit` alone accepts "²", which `int` refuses (a 500 the walk found).
    """
    if value and value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None


def domain_errors_as_http(view: View) -> View:
    """Answer the service errors a view did not handle itself with the matching HTTP error page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404() from None
        except errors.PermissionDenied as error:
            raise HttpPermissionDenied(error.message) from None
        except errors.InvalidInput as error:
            raise BadRequest(error.message) from None

    return wrapper


def form_add_invalid_input(form: forms.BaseForm, error: errors.InvalidInput) -> None:
    """Show a service's field errors on the form; fields the form does not have go on top of it."""
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class BootstrapFormMixin:
    """Give widgets Bootstrap's classes, and mark fields with errors, so templates stay plain."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field: str | None, error) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class DateTimeLocalField(forms.DateTimeField):
    """A date and time picked with the browser's own control; optional unless the form says otherwise."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", [DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
        super().__init__(**kwargs)
