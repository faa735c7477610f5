"""The fuzz suite runs once per CI run, in the PostgreSQL pass (RELAIS_FUZZ=1), and by `make fuzz`."""

import os


def pytest_collection_modifyitems(config, items):
    if os.environ.get("RELAIS_FUZZ") == "1":
        return
    fuzz = [item for item in items if item.get_closest_marker("fuzz")]
    if fuzz:
        config.hook.pytest_deselected(items=fuzz)
        items[:] = [item for item in items if not item.get_closest_marker("fuzz")]
