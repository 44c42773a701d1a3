"""Inference server (feature ``serving``): FastAPI over ONNX Runtime, fed by an export directory (model.onnx +
preprocess.json), and its int8 quantization. The server never imports the training code or unpickles anything a
client sends; scoring and calibration read the training run's data through ``datasets`` and ``runs``."""
