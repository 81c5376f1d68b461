"""Contract emulators for the cloud networks the suite cannot reach: each follows the
vendor's documented request and response shapes (cited per endpoint) and enforces what
the vendor enforces. They live with the tests, never in app/."""
