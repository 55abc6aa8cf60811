"""The rules package stays pure: the standard library, dateutil and itself, nothing else (no
Django, no models, no other project module), so it can be tested and benchmarked alone."""

import ast
import sys
from pathlib import Path

import tracker

PACKAGE = Path(tracker.__file__).resolve().parent / "rules"
ALLOWED_THIRD_PARTY = {"dateutil"}


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level module) of every absolute import; relative ones are the package."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY or top == "__future__":
        return True
    return module == "tracker.rules" or module.startswith("tracker.rules.")


def test_the_rules_package_imports_only_the_standard_library_and_dateutil():
    files = sorted(PACKAGE.glob("*.py"))
    assert PACKAGE / "__init__.py" in files and len(files) > 1
    bad = [
        f"{path.name}:{line} imports {module}"
        for path in files
        for line, module in imports(path)
        if not allowed(module)
    ]
    assert bad == []


def test_the_check_itself_refuses_django_and_project_modules():
    assert not allowed("django.db")
    assert not allowed("tracker.models")
    assert not allowed("catalog")
    assert allowed("decimal") and allowed("dateutil.relativedelta")
