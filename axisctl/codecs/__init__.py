"""Pure codecs: bytes or text to models and back, no I/O."""
