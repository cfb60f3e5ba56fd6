"""SM1: the serving and training container environment."""
