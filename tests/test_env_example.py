""".env.example documents every environment variable the settings read."""

import ast
import re
from pathlib import Path

from django.conf import settings

ENV_READERS = {"env_str", "env_bool", "env_int", "env_list"}


def variables_read_by_settings() -> set[str]:
    tree = ast.parse((Path(settings.BASE_DIR) / "unionportal" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ENV_READERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_variable_the_settings_read_is_in_env_example():
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (Path(settings.BASE_DIR) / ".env.example").read_text(), re.M))

    read = variables_read_by_settings()

    assert "SECRET_KEY" in read  # the parser found the readers at all
    assert read - documented == set()
