"""Fireside's Qt front end: presents the core and gathers input; no business rules here."""
