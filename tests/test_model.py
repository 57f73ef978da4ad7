"""The post model's values: shared terms that do not outlive their posts."""

from __future__ import annotations

import gc
import pickle

from feedpub import model


def test_terms_are_shared_while_used_and_forgotten_after():
    term = model.shared_term("ephemeral-test-tag", "Ephemeral")
    assert model.shared_term("ephemeral-test-tag", "Ephemeral") is term
    assert pickle.loads(pickle.dumps(term)) is term  # the cache unpickles into the shared object
    del term
    gc.collect()
    # a service runs for months while tags come and go: the table keeps only terms in use
    assert ("ephemeral-test-tag", "Ephemeral") not in model._TERMS
