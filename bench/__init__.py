"""The benchmark suite (`make bench`): fixed data sizes, medians, ratios against a baseline
measured in the same run. `bench.runner` measures and reports; `bench.scenarios` lists the
scenarios; `python -m bench` (bench/__main__.py) sets up the database and runs them.
"""
