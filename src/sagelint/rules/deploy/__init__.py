"""SM2: endpoint deployment timeouts."""
