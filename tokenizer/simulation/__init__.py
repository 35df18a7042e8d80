"""What only a local development chain can do: a made-up investor population
(:mod:`.population`), a simulated primary sale (:mod:`.sale`), secondary trades (:mod:`.market`),
the life of the deal period by period (:mod:`.runner`) and the whole run (:mod:`.pipeline`).

Every wallet here has a key derived from a public string, and stablecoin is minted for it:
:class:`~tokenizer.simulation.runner.Simulation` refuses any chain that is not local.
"""
