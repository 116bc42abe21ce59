"""``testing``: synthetic contracts for tests and benchmarks.

May import: any layer but ``cli``.
"""
