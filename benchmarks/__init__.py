"""`make bench`: the benchmark at scale (data generator, load test, in-process timings, report)."""
