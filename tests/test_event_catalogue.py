"""The catalogue of events (DESIGN.md section 7): every action declared once, and every declaration used.

`trace_append` refuses an undeclared action, so any test whose path writes one fails. These tests add
what running the code cannot see: an action spelt out somewhere (a test's expectation, a rarely run
branch) that no app declares, and a declaration that no code writes any more (a rename that forgot
its users, or its users that forgot the declaration).
"""

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from trace.catalogue import Audience, declared_events, is_declared

BASE_DIR = Path(__file__).resolve().parent.parent
APPS = ("trace", "accounts", "crm", "workflow", "reporting")
# `app.object.verb`, as an action is spelt; `app.module.name` (a task, a dispatch uid) is told apart below,
# and so is a host name such as crm.example.com.
ACTION = re.compile(rf"^({'|'.join(APPS)})\.[a-z_]+\.(?!com$|org$|net$|fr$)[a-z_]+$")


def _python_files(*roots: str) -> Iterator[Path]:
    for root in roots:
        for path in sorted((BASE_DIR / root).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _is_module(dotted: str) -> bool:
    app, name = dotted.split(".")[:2]
    return (BASE_DIR / app / f"{name}.py").exists() or (BASE_DIR / app / name).is_dir()


def _string_literals(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_every_action_spelt_in_the_code_or_the_tests_is_declared():
    undeclared = [
        f"{path.relative_to(BASE_DIR)}:{line}: {value}"
        for path in _python_files(*APPS, "tests", "config")
        for line, value in _string_literals(path)
        if ACTION.match(value) and not _is_module(value) and not is_declared(value)
    ]
    assert undeclared == []


def _names_used(app: str) -> tuple[set[str], set[str]]:
    """The names the app's code refers to, and the short actions it passes to `record(action=...)`."""
    names: set[str] = set()
    recorded: set[str] = set()
    for path in _python_files(app):
        if path.name == "events.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "record":
                recorded.update(
                    k.value.value for k in node.keywords if k.arg == "action" and isinstance(k.value, ast.Constant)
                )
    return names, recorded


@pytest.mark.parametrize("app", ["accounts", "crm", "workflow"])
def test_every_declared_event_is_written_by_its_app(app):
    """A declaration nobody uses is a rename half done: its users write another action, or none."""
    module = importlib.import_module(f"{app}.events")
    constants = {value.action: name for name, value in vars(module).items() if hasattr(value, "action")}
    names, recorded = _names_used(app)
    unused = [
        action
        for action, constant in sorted(constants.items())
        # `record(action="claimed")` writes the event of that name for the item's kind (request or lead).
        if constant not in names
        and not (action.split(".")[1] in ("request", "lead") and action.rsplit(".")[-1] in recorded)
    ]
    assert constants and unused == []


def test_every_declared_event_reads_in_french_and_english_and_notices_name_their_item():
    for event in declared_events():
        if not event.action.startswith(APPS):
            continue  # declared by a test
        with translation.override("en"):
            english = str(event.label)
        with translation.override("fr"):
            assert str(event.label) != english, f"{event.action} has no French label"
        if event.audience != Audience.NOBODY:
            assert "%(item)s" in str(event.notice.text), event.action
