"""Load figures for the event system (`make bench` = `python -m bench`).

Everything here measures and prints JSON; nothing asserts. See bench/README.md.
"""
