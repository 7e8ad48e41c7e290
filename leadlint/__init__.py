"""leadlint: validation and data-quality linter for Leadping lead payloads."""

__version__ = "0.1.0"
