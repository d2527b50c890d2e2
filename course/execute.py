"""Run a notebook headlessly, as a reader would top to bottom, and inspect what it showed.

Used by the tests and the benchmark. Sizes can be overridden papermill-style: the
assignments are put in a new cell right after the cell tagged `parameters`. Expressions can
be evaluated in the notebook's namespace once it has run (`probes`), which lets a test
assert on results without adding test code to the notebook.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from course import CourseError
from course.notebooks import read_notebook, source_text

PROBE_PREFIX = "COURSE-PROBES "
_PROBE_CELL = """
import json as _json
_probe_results = {}
for _name, _expression in %r.items():
    try:
        _value = eval(_expression)
        _probe_results[_name] = _value if isinstance(_value, (bool, str)) else float(_value)
    except Exception as _error:
        _probe_results[_name] = f"error: {type(_error).__name__}: {_error}"
print(%r + _json.dumps(_probe_results))
"""


@dataclass
class Execution:
    notebook: dict  # the executed notebook, outputs included
    seconds: float
    probes: dict = field(default_factory=dict)

    def outputs(self, output_type: str | None = None, name: str | None = None) -> list[dict]:
        found = []
        for cell in self.notebook["cells"]:
            for output in cell.get("outputs", []):
                if (output_type is None or output["output_type"] == output_type) and (name is None or output.get("name") == name):
                    found.append(output)
        return found

    def text(self, name: str = "stdout") -> str:
        return "".join("".join(o.get("text", "")) for o in self.outputs("stream", name))

    def count_images(self) -> int:
        return sum("image/png" in o.get("data", {}) for o in self.outputs())


def _with_overrides(nb: dict, overrides: dict[str, object]) -> dict:
    import nbformat

    if not overrides:
        return nb
    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), None)
    if index is None:
        raise CourseError("The notebook has no cell tagged 'parameters' to override.")
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in overrides.items())))
    return nb


def execute(path: Path, overrides: dict | None = None, probes: dict[str, str] | None = None,
            timeout: int = 900, keep: Path | None = None, allow_errors: bool = False) -> Execution:
    """Execute the notebook at `path` in its own folder; raise CourseError naming the failing cell.

    The executed copy is written to `keep` (if given) before any error is raised. With
    `allow_errors`, every cell runs and errors stay in the outputs (a lab's student version).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.reads(json.dumps(read_notebook(path)), as_version=4)  # joins list sources
    nb = _with_overrides(nb, overrides or {})
    if probes:
        nb.cells.append(nbformat.v4.new_code_cell(probe_cell(probes)))
    # log_level: the kernel's own start-up notices (e.g. that it talks TCP on loopback) are not the notebook's
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    try:
        client.execute()
        error = None
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:  # a cell raised, ran too long, or killed its kernel
        error = err
    seconds = time.perf_counter() - start
    if keep is not None:
        keep.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, keep)
    if error is not None:
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        if isinstance(error, DeadKernelError):  # no output says so: the first cell whose reply never came
            failing = next((i for i in code if "shell.execute_reply" not in nb.cells[i].metadata.get("execution", {})), None)
            reason = "the kernel died (the code exited, or the machine ran out of memory)"
        elif isinstance(error, CellTimeoutError):
            failing = max((i for i in code if nb.cells[i].get("execution_count")), default=None)
            reason = f"the cell ran past the {timeout} s limit"
        else:
            failing, output = next(((i, o) for i, c in enumerate(nb.cells) for o in c.get("outputs", [])
                                    if o.get("output_type") == "error"), (None, {}))
            reason = f"{output.get('ename', type(error).__name__)}: {output.get('evalue', error)}"
        first_line = source_text(nb.cells[failing]).splitlines()[0] if failing is not None else "?"
        raise CourseError(f"{path} failed in cell {failing} ({first_line!r}): {reason}"
                          + (f"; executed copy: {keep}" if keep else ""))
    execution = Execution(json.loads(nbformat.writes(nb)), seconds)
    if probes:
        execution.probes = read_probes(execution)
    return execution


def probe_cell(probes: dict[str, str]) -> str:
    """Source of a last cell that evaluates `probes` in the notebook's namespace and prints the results."""
    return _PROBE_CELL % (dict(probes), PROBE_PREFIX)


def read_probes(execution: Execution) -> dict:
    """The results the probe cell printed, {name: value or "error: ..."}."""
    line = next((line for line in execution.text().splitlines() if line.startswith(PROBE_PREFIX)), None)
    if line is None:
        raise CourseError("the notebook printed no probe results: its probe cell did not run")
    return json.loads(line[len(PROBE_PREFIX):])
