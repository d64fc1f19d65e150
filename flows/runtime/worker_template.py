"""What the process pool's workers are forked from: imported once, by multiprocessing's fork
server, before any worker exists (see `flows.runtime.forked_pool.start_worker_template`).

Importing this module loads and warms everything a worker needs, so that each worker forked
from it starts with the spaCy model loaded and the lazy caches of its libraries filled instead
of paying for them itself: Prefect's task engine and the pipeline's modules, the spaCy model,
the rules' place names, py3langid's model and dateparser's English patterns, which htmldate's date search compiles on first use. With spawned
workers each of them paid all of it, at once, just as the run's work began.

Nothing here may stop the fork server: a failure is logged and the workers load what is
missing themselves.
"""

import gc
import logging


def _warm() -> None:
    import prefect.task_engine  # noqa: F401  (what a worker runs each task with)

    import flows.tasks  # noqa: F401  (the tasks a worker is sent refer to it)
    from flows.settings import Settings
    from nlp.model import load_nlp
    from transforms.analysis import analysed_tables  # noqa: F401
    from transforms.extract import detect_language
    from transforms.gazetteer import load_place_names

    nlp = load_nlp(Settings().spacy_model)
    nlp("Warming up: the minister said on Friday that the talks in Geneva would resume.")
    load_place_names()  # else read by each worker on its first article that names a place
    detect_language("A sentence long enough for the language model to be loaded and used once.")
    from flows.runtime.shortcuts import applies

    if not applies("date-parser-warm-up"):
        return  # each worker then compiles the patterns on its first page that needs them
    from htmldate.extractors import get_external_parser

    # English only: compiling every locale costs the start-up ten times as much CPU, while
    # htmldate reaches dateparser on few pages (those with no date in their metadata that its own
    # patterns cannot read). A worker that meets a date in another language compiles the other
    # locales then, once. Measurements: docs/performance.md.
    get_external_parser().get_date_data("5 March 2019")


try:
    _warm()
except Exception:  # noqa: BLE001  (the workers then load what is missing themselves)
    logging.getLogger(__name__).warning("warming the worker template failed", exc_info=True)
# what is loaded by now lives as long as the workers: out of the garbage collector's sight, its
# collections in each worker do not walk it again (nor copy its pages by touching them)
gc.freeze()
