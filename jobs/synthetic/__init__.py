"""Synthetic PanDA data for the demo, the tests and benchmarks (manage.py generate_jobs)."""
