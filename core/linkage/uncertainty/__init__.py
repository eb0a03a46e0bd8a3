"""Uncertainty over a case's calibration: draws, compiled verdicts, Monte Carlo and sweeps."""
