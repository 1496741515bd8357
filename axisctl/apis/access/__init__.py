"""Reader settings and the entry list of an intercom (access control, reader side)."""
