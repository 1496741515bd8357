"""The simulated intercom's reader side: reader settings, the entry list, access decisions."""
