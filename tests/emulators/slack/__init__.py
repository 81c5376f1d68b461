"""A contract emulator of a Slack workspace (Web API and OAuth v2) over HTTPS."""
