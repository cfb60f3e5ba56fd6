"""SM6: SDK generations: code written for one major version of the SageMaker Python SDK that breaks or changes meaning under the versions the project installs."""
