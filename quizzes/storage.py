"""Static files storage (STORAGES["staticfiles"])."""

from whitenoise.storage import CompressedStaticFilesStorage


class StaticFilesStorage(CompressedStaticFilesStorage):
    """WhiteNoise's compressed storage, with each file's URL worked out once per process.

    Every page links its stylesheets and scripts, and working out a URL (quoting and joining it
    to STATIC_URL) cost about 0.04 ms each time: a tenth of the base page's rendering.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str) -> str:
        if name not in self._urls:
            self._urls[name] = super().url(name)
        return self._urls[name]
