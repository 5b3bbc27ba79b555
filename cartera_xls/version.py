"""The version of cartera_xls: one place, read by the package, its writers and the build (pyproject.toml)."""

__version__ = "0.1.0"
