"""Small helpers with no knowledge of the bridge: JSONC editing, addresses, redaction, loops."""
