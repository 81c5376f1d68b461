"""The Settings dialog: proxy, extra CA certificates and sync interval, with what policy
locks shown as locked and why, and policy errors listed."""
