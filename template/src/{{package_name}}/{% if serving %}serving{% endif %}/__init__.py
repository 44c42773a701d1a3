"""Inference server: FastAPI over ONNX Runtime, fed by an export directory (model.onnx + preprocess.json).

It never imports the training code or unpickles anything a client sends.
"""
