"""The outbox view: what is waiting to go out, what failed and why, and what to do."""
