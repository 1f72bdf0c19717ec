"""spin: what happened to a news story on its way through reposts, rewrites and translations.

>>> import spin
>>> analysis = spin.analyze("seeds")          # doctest: +SKIP
>>> analysis.tables["mutations"].head()       # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("spin")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"


def analyze(path_or_articles, source=None, **options):
    """Analyse one story family; see :func:`spin.pipeline.analyze`."""
    from spin.pipeline import analyze as run

    return run(path_or_articles, source=source, **options)


_SUBMODULES = frozenset({
    "corpus", "boilerplate", "language", "claims", "readability", "editorial", "align",
    "mutations", "translation", "provenance", "families", "figures", "report", "pipeline",
    "scale", "cli", "settings", "resources", "errors", "offline",
})


def __getattr__(name):
    """Import submodules on first use, so ``spin.corpus.load_family`` works after ``import spin``."""
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"spin.{name}")
    raise AttributeError(f"module 'spin' has no attribute {name!r}")


__all__ = ["analyze", "__version__"]
