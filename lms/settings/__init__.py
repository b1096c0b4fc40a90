"""Settings split: base (every value, from the environment), dev, test, production."""
