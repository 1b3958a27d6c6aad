from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed names for files `collectstatic` has seen; the plain name otherwise (tests,
    a first start, a file added since the last collectstatic), served by whitenoise from the app."""

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name
