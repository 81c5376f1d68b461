"""Commands by name, the keys bound to them, and the '?' help that lists them."""
