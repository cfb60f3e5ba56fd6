"""Shared by the resource rules."""

ESTIMATOR = "from sagemaker.pytorch import PyTorch\n"
