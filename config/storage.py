from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed names for files `collectstatic` has seen; the plain name otherwise (tests,
    a first start, a file added since the last collectstatic), served by whitenoise from the app.

    The pages' scripts are ES modules that import each other by relative path
    (`import { x } from "./y.js";`): collectstatic rewrites those specifiers to the hashed names
    too, so a module and what it imports change names together (tests/test_static_manifest.py)."""

    support_js_module_import_aggregation = True

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name
