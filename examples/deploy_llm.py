"""Deploy Mistral-7B-Instruct on a TGI container behind a real-time endpoint."""
import sagemaker
from sagemaker.huggingface import HuggingFaceModel, get_huggingface_llm_image_uri

sess = sagemaker.Session()
role = sagemaker.get_execution_role()

image_uri = get_huggingface_llm_image_uri("huggingface", version="2.0.2")

hub = {
    "HF_MODEL_ID": "mistralai/Mistral-7B-Instruct-v0.2",
    "SM_NUM_GPUS": 1,
    "MAX_INPUT_LENGTH": "4096",
    "MAX_TOTAL_TOKENS": "8192",
}

llm = HuggingFaceModel(
    image_uri=image_uri,
    env=hub,
    role=role,
    sagemaker_session=sess,
)

predictor = llm.deploy(
    initial_instance_count=1,
    instance_type="ml.g5.2xlarge",
    endpoint_name="mistral-7b-instruct",
)

print(predictor.predict({"inputs": "What is Amazon SageMaker?"}))
