"""See the package docstring of `evaluation.urls` for what lives where."""
