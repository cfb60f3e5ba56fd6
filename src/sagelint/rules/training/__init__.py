"""SM3: training jobs and warm pools, on every surface that declares a training job."""
