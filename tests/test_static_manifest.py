"""Production's static files (STATIC_MANIFEST=1: config.storage, hashed and compressed names) keep
the pages' ES modules working: collectstatic rewrites every import between them to a hashed name
that is in its output, the pages load their modules by hashed name, and the scanner's service
worker keeps every module the scanner imports, so that it still reloads offline."""

import json
import posixpath
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from checkin import scanner_views
from checkin.services import create_device, new_pairing_code

STATIC_URL = "/static/"
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}
# The specifiers of static imports and re-exports: `import {a} from "./x.js";`, `import "./x.js";`.
IMPORT = re.compile(r"""(?:\bimport|\bexport)\s[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']""")
MODULE_SCRIPT = re.compile(r'<script type="module" src="([^"]+)"')
OUR_APPS = ("checkin/", "events/", "networking/")


def imports_of(path: Path, name: str) -> list[str]:
    """The static files `name` (a path under STATIC_ROOT) imports, as paths under STATIC_ROOT."""
    found = []
    for match in IMPORT.finditer(path.read_text(encoding="utf-8")):
        specifier = match.group(1) or match.group(2)
        found.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), specifier)))
    return found


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic with the production storage into a fresh folder: (folder, original → hashed)."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=str(root), STORAGES=MANIFEST_STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
    yield root, json.loads((root / "staticfiles.json").read_text())["paths"]


@pytest.fixture
def production_static(collected):
    """The site as production serves it: static() gives the manifest's hashed names."""
    root, _paths = collected
    with override_settings(STATIC_ROOT=str(root), STORAGES=MANIFEST_STORAGE):
        yield collected


def our_modules(paths: dict[str, str]) -> list[str]:
    """Our scripts that are ES modules or are imported by one (the vendored libraries are not)."""
    return [
        name
        for name in paths
        if name.startswith(OUR_APPS) and name.endswith(".js") and "/vendor/" not in name
    ]


def test_every_import_is_rewritten_to_a_hashed_file_that_exists(collected):
    root, paths = collected
    hashed = set(paths.values())
    checked = 0
    for name in our_modules(paths):
        for target in imports_of(root / paths[name], paths[name]):
            assert target in hashed, f"{paths[name]} imports {target}, not a hashed file"
            assert (root / target).is_file(), f"{paths[name]} imports {target}, which is missing"
            checked += 1
    # The scanner's modules, and the live pages' shared socket.
    assert checked >= 20
    assert paths["events/live-socket.js"] in imports_of(
        root / paths["checkin/dashboard.js"], paths["checkin/dashboard.js"]
    )


def test_pages_load_their_modules_by_hashed_name(production_static, event, staff_client):
    root, paths = production_static
    device, _token = create_device(event=event, name="Ingang")
    _pairing, code = new_pairing_code(device)
    pages = {
        "/scan/": ["checkin/scanner/main.js"],
        f"/scan/koppel/{code}/": ["checkin/scanner/pair.js"],
        "/": ["events/programme.js", "events/home.js"],
        "/netwerk/": ["networking/network.js"],
        "/dashboard/": [
            "events/dashboard-scheduled.js",
            "networking/dashboard-map.js",
            "networking/dashboard-meetings.js",
            "checkin/dashboard.js",
        ],
    }
    for url, modules in pages.items():
        page = staff_client.get(url).content.decode()
        assert MODULE_SCRIPT.findall(page) == [STATIC_URL + paths[module] for module in modules], url
        for module in modules:
            assert (root / paths[module]).is_file()


def test_the_service_worker_keeps_every_module_the_scanner_imports(production_static, event):
    root, paths = production_static
    response = Client().get("/scan/sw.js")
    config = json.loads(re.match(r"const SCANNER = (.*);\n", response.content.decode()).group(1))
    shell = {url.removeprefix(STATIC_URL) for url in config["shell"] if url.startswith(STATIC_URL)}

    assert shell == {paths[name] for name in scanner_views.SCANNER_SHELL}
    for name in shell:
        assert (root / name).is_file(), name
    # main.js and all it imports, directly or not.
    needed, todo = set(), [paths["checkin/scanner/main.js"]]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(imports_of(root / name, name))
    assert len(needed) > 5
    assert needed <= shell, f"not in SCANNER_SHELL: {sorted(needed - shell)}"
