"""Who bears the risk: Monte Carlo per tranche through the exact waterfall, stresses, breakevens
and an investor's own what-if.

One job per module: :mod:`.runs` (the paths, chunked, through the waterfall), :mod:`.timing`
(when the money moves), :mod:`.tranches` (per-class analytics), :mod:`.enhancement` (DSCR,
triggers, reserve, guarantors), :mod:`.breakeven` (root finding on a uniform haircut),
:mod:`.stresses` (scenarios), :mod:`.analysis` (the whole ``rwa risk`` run), :mod:`.text` (its
tables), :mod:`.invest` (``rwa invest``), :mod:`.compare` (``rwa compare``) and :mod:`.band`
(the band the demo's story quotes).
"""
