"""`pandamon`: the monitor's command-line client, over its JSON API (standard library only)."""
