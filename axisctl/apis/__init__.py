"""One module per device API: typed models plus sans-I/O call flows."""
