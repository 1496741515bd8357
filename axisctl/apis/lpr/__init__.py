"""The License Plate Verifier app's configuration endpoints under ``/local/fflprapp/``."""
