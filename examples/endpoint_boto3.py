"""Create a model, an endpoint config and an endpoint with boto3 (what our CI/CD job runs)."""
import time

import boto3

sm = boto3.client("sagemaker", region_name="us-east-1")

MODEL_NAME = "churn-xgb-2024-06-01"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/SageMakerExecution"

sm.create_model(
    ModelName=MODEL_NAME,
    ExecutionRoleArn=ROLE_ARN,
    PrimaryContainer={
        "Image": IMAGE,
        "ModelDataUrl": "s3://ml-artifacts/churn/model.tar.gz",
        "Environment": {
            "SAGEMAKER_MODEL_SERVER_TIMEOUT": 60,
            "SAGEMAKER_MODEL_SERVER_WORKERS": "2",
        },
    },
)

sm.create_endpoint_config(
    EndpointConfigName=f"{MODEL_NAME}-config",
    ProductionVariants=[
        {
            "VariantName": "AllTraffic",
            "ModelName": MODEL_NAME,
            "InstanceType": "ml.m5.xlarge",
            "InitialInstanceCount": 2,
        }
    ],
)

sm.create_endpoint(EndpointName="churn-xgb", EndpointConfigName=f"{MODEL_NAME}-config")
while sm.describe_endpoint(EndpointName="churn-xgb")["EndpointStatus"] == "Creating":
    time.sleep(30)
