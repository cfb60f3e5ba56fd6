"""Fine-tune a ResNet-50 on spot instances to cut the training bill."""
import argparse

import sagemaker
from sagemaker.pytorch import PyTorch

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=30)
args = parser.parse_args()

session = sagemaker.Session()
bucket = session.default_bucket()

estimator = PyTorch(
    entry_point="train.py",
    source_dir="src",
    role=sagemaker.get_execution_role(),
    framework_version="2.1",
    py_version="py310",
    instance_count=1,
    instance_type="ml.p3.2xlarge",
    use_spot_instances=True,
    max_run=24 * 3600,
    hyperparameters={"epochs": args.epochs, "lr": 0.01},
    output_path=f"s3://{bucket}/resnet50/output",
)

estimator.fit({"train": f"s3://{bucket}/resnet50/train"})
