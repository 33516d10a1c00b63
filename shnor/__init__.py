"""ШНОР-Монитор: monitoring the roadmaps of schools with low educational results."""
