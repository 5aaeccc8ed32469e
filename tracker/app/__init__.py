"""Workflows: each command's one call, in one transaction, over store, net, render and core.

Every workflow that adds or changes snapshots ends in `settle()`.
"""
