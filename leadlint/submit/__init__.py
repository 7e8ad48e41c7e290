"""``leadlint submit``: gated, journaled, rate-limited delivery to the Leadping API."""
