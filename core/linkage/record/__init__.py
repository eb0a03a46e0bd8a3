"""Testing linkage hypotheses against the record.

* :mod:`linkage.record.automaton`: each hypothesis as a strategy automaton over time, predicting
  every domain's state from the punishment phases in force and the parameters in force;
* :mod:`linkage.record.likelihood`: the error model, log-likelihoods, posteriors, Bayes factors;
* :mod:`linkage.record.explain`: what decides a ranking (contributions, observationally equivalent
  hypotheses, the drop-one-observation check);
* :mod:`linkage.record.simulate`: timelines generated from a known hypothesis, to test the method.

:class:`linkage.timeline.TimelineAnalysis` puts them together for a case.
"""
