"""sagelint: static analysis for Amazon SageMaker deployment and training scripts."""

__version__ = "0.1.0"
