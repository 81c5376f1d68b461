"""Performance benchmarks for Fireside: ``python -m bench``.

Generates (and caches) a large store, then measures what a person feels: cold start to the
first painted inbox, opening a view, moving to the next item, searching, a triage action,
and the peak memory of the app process. Each number is printed with its target.

    generate.py     the synthetic store (200,000 comments on 2,000 posts by default)
    measure.py      store-level timings on a copy of that store
    app_process.py  the real app started in a subprocess (start-up time, peak RSS)
    report.py       targets and the PASS/MISS table
"""
