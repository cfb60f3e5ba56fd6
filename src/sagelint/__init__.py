"""sagelint: static analysis for Amazon SageMaker deployment and training scripts."""

# The one place the version is written: pyproject.toml reads it (tool.setuptools.dynamic).
__version__ = "0.3.0"
