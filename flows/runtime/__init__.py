"""Every start-up and worker trick of a run, apart from what the run does: the task runners and
the process pool forked from a warm template, a worker's start, a run's own Prefect API, time
limits. Each shortcut through another library's internals is named in `shortcuts` and runs only
on the version it was tested with."""
