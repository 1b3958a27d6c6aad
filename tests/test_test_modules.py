"""No test module imports another test module or a conftest: what tests share lives in modules
of its own (tests/factories.py, tests/support.py, tests/clock.py, tests/live.py, tests/e2e/browser.py …),
so that a test module can be moved, renamed or run alone."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
WHERE = (
    "builders come from tests.factories; requires_postgres, requires_redis, post_json and trail from "
    "tests.support; Chromium and its page checks from tests.e2e.browser"
)


def is_test_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "conftest" or last.startswith("test_")


def imported_modules(tree: ast.AST, path: Path) -> list[tuple[int, str]]:
    package = ".".join(path.relative_to(TESTS.parent).parent.parts)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def test_no_test_module_imports_a_test_module_or_a_conftest():
    offending = []
    for path in sorted(TESTS.rglob("*.py")):
        if "vendor" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_modules(tree, path):
            if module.startswith("tests.") and is_test_or_conftest(module):
                offending.append(f"{path.relative_to(TESTS.parent)}:{line} imports {module}")
    assert offending == [], f"{WHERE}:\n" + "\n".join(offending)


def test_the_check_sees_each_kind_of_import():
    source = (
        "import tests.conftest\n"
        "from tests.networking.conftest import attendee\n"
        "from tests.networking.test_signup_api import URL\n"
        "from tests.e2e import conftest\n"
        "from .test_pages import helper\n"
        "from tests.factories import attendee\n"
        "from tests.e2e.browser import launch\n"
    )
    path = TESTS / "events" / "test_example.py"
    modules = {module for _line, module in imported_modules(ast.parse(source), path)}
    assert sorted(module for module in modules if is_test_or_conftest(module)) == [
        "tests.conftest",
        "tests.e2e.conftest",
        "tests.events.test_pages",
        "tests.networking.conftest",
        "tests.networking.test_signup_api",
    ]
