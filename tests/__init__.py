"""feedpub's tests, laid out like src/feedpub.

A test lives in the folder of the stage whose code it pins down, even when it builds a whole site
to look at the result:

    read/      scanning, front matter, dialects, dates, content and its sanitiser, terms, the
               parse cache, golden posts, and most adversarial inputs (test_adversarial_*.py)
    render/    feeds in every format, archives, pages (templates/ holds post.html and term.html,
               the specification pages.py is held to), text rendering, golden feeds, XML-hostile text
    publish/   the store and its crash safety, the manifest text, hostile whole-site builds
    service/   the long-running publisher, scheduler, visibility, WebSub, sources that fail
    serve/     the app and its fast path over HTTP, legacy URLs, nginx, real readers, load, and
               `feedpub serve` end to end

At the top stay the tests of the base modules (test_cli, test_config, test_parallel for workers)
and of the product as a whole: the README (test_docs), the systemd unit (test_deploy), fuzzing through the whole pipeline
(test_fuzz, fuzz/), resource limits (test_limits), the XSS corpus in every field of every output
(test_xss) and bench/corpus.py (test_bench_corpus).

Shared code is at the top too, in one place: conftest.py (fixtures, NOW, BASE_CONFIG; they apply
to every folder), helpers.py (reading one post, waiting, the bench corpus, comparing with a cold
build, `feedpub serve` in a subprocess, the XSS vectors), adversarial.py (the checks the
adversarial modules share), http.py (a server and a raw client), validators.py (feed validators)
and tools.py (external programs). Test modules import from these, not from one another (but
render/test_pages imports test_pages_fast's Jinja reference). Data: data/xss_vectors.txt (every XSS
vector), golden/ (posts/ and feeds/; `make golden` rewrites them).

`make test` runs everything; `pytest -m "not slow"` leaves out the tests marked slow (2 s or more).
"""
