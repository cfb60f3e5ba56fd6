"""SM5: credentials in configuration, and the opt-in security settings."""
