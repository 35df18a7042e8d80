"""Reports of a deal's run: the typed model (:mod:`.model`), the writers of ``report.json`` and
``report.md`` (:mod:`.writers`), the charts (:mod:`.charts`), the story told on a terminal
(:mod:`.story`) and number formatting (:mod:`.format`)."""
