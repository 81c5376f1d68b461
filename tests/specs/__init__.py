"""The parts of vendors' published API descriptions the connectors are checked against."""
