"""SM0: general."""
