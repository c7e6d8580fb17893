"""Saved model versions as production uses them: loaded by kind in one place (`load.load_scorer`) and
promoted by one rule (`promotion`). This subpackage sits above the model kinds (classifier's text models
and classifier.transformer); nothing below it imports it (tests/test_layers.py)."""
