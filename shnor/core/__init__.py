"""The pure heart of ШНОР-Монитор: plain Python, no Django.

Everything here takes and returns plain data (str, bytes, dates, dataclasses) so that it can be
tested without a database and reused by the web app, the CLI and the benchmarks.
"""
