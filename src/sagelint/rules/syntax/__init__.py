"""SM0: the file itself: syntax errors and suppression comments."""
