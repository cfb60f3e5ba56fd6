"""Inference handlers for the sentiment model (runs inside the container)."""


def model_fn(model_dir):
    return model_dir


def predict_fn(data, model):
    return {"label": "positive", "model": model, "input": data}
