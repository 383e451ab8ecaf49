"""Evaluation harnesses that run the claimgraph pipeline over annotated corpora and score it.

``claimgraph.eval.polnear``: PolNeAR attribution relations (``evaluate_polnear``,
``format_scores``), scored exactly as the shared ``polnear_score.py`` scores.
"""
