"""Frame, slant and tone classifiers: training, evaluation, registry, inference."""
