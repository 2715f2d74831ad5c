"""Performance benchmarks of assess: ratios against a baseline measured in the same run.

``python -m benchmarks [--quick]`` runs them all; each also runs alone, e.g.
``python -m benchmarks.compute_results``. See benchmarks/README.md.
"""
