"""One handler module and one keyboard module per topic (law, benefits, stations, loans)."""
