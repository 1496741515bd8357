"""AXIS License Plate Verifier: typed plate reads and the receiver for the app's pushes."""
