"""OSDP: frame codec, secure channel, control panel and reader (peripheral) over RS-485."""
