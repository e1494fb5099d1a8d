"""Tests of tradeplane.operator, with the emulated API server they run against."""
