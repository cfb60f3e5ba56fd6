"""SM2: endpoints and inference components: deploy timeouts, storage, serverless and inference configurations."""
