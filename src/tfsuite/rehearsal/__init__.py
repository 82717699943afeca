"""The data-plane rehearsal: the deployment's own task definition, run here as ECS would run it.

model_server  the TF Serving-compatible model server (TensorFlow loads the SavedModel)
servables     its version manager (poll, load newest, unload deleted); rest: its REST API
"""
