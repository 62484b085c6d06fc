"""Outbound webhook delivery: signing, target checks, and retried POSTs."""
