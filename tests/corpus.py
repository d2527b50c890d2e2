"""A corpus of awkward, broken and hostile submissions of a lab, generated from its solution and release.

Every variant is made by code from the lab as it is now (nothing stored), and carries the grade a
careful human would give each autograded task, derived from a clean counterpart: the same answers
without the awkwardness. The counterparts are the ones the lab tests already prove right (the
reference answers get full marks, the untouched release 0, a wrong answer its task's points), and
the lab's tasks are graded independently, so an answer cell that breaks costs exactly its tasks.

Groups (`GROUPS`): answers written differently or partly; files that are no notebook; one answer
cell that breaks (errors, exits, hangs, floods, bombs); answer code that is noisy but right;
tampering with the grading; reaching outside the sandbox; notebooks saved by other editors and
files named as students name them. The suite grades `in_suite(lab)` (one variant of each group,
plus every variant that needs no kernel); `benchmarks/benchmark.py --corpus` grades them all, with
`course grade` and with plain `nbgrader autograde`.
"""
from __future__ import annotations

import ast
import copy
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from classes import grading_cell_of, lab_answers
from course.grading import max_scores
from course.labs import Lab
from course.notebooks import read_notebook, source_text
from course.submissions import answer_cells, make_submission, solution_answers

CELL_TIMEOUT = 60  # seconds per cell, for `course grade` and plain nbgrader alike
GROUPS = ("answers", "files", "broken", "noisy", "tampering", "escape", "editors")
LEAKED = "CORPUS-LEAK"  # printed by an attack only when it worked: must not appear in any graded output


@dataclass
class Variant:
    kind: str  # what is awkward about it, in a few words
    group: str
    person: str  # the student's name as the platform writes it
    file_name: str  # the file as handed in
    data: bytes
    expected: dict[str, float]  # {autograded test cell: points}
    why: str  # how `expected` follows from a clean counterpart
    student: str = ""  # the platform's id, given by `number()`
    harms_others: bool = False  # it attacks the other submissions of the batch

    @property
    def download_name(self) -> str:  # Moodle's name for the file in its download
        return f"{self.person}_{self.student}_assignsubmission_file_{self.file_name}"


@dataclass
class LabParts:
    lab: Lab
    reference: dict[str, str]  # the solution's answers
    points: dict[str, float]  # {autograded test cell: points}
    target: str  # the answer cell that the one-cell variants break: the last one with its own test cell
    wrong: dict = field(default_factory=dict)  # the lab's first wrong answer for `target`
    alternatives: list = field(default_factory=list)

    def full(self) -> dict[str, float]:
        return dict(self.points)

    def without(self, *answer_cells_lost: str, score: float = 0.0) -> dict[str, float]:
        return {**self.points, **{grading_cell_of(cell): score for cell in answer_cells_lost}}

    def zero(self) -> dict[str, float]:
        return {test: 0.0 for test in self.points}


def parts(lab: Lab) -> LabParts:
    points = {g: p for g, p in max_scores(lab).items() if g.endswith("_tests")}
    reference = solution_answers(lab)
    code_answers = [g for g, c in answer_cells(read_notebook(lab.release)).items() if c["cell_type"] == "code" and grading_cell_of(g) in points]
    target = code_answers[-1]
    alternatives, wrong = lab_answers(lab)
    first_wrong = next(w for w in wrong.values() if w["cell"] == target)
    return LabParts(lab, reference, points, target, first_wrong, alternatives)


def notebook_bytes(nb: dict) -> bytes:
    return json.dumps(nb, indent=1, ensure_ascii=False).encode("utf-8")


def _with(p: LabParts, **answers: str) -> dict:
    return make_submission(p.lab, {**p.reference, **answers})


def _append(p: LabParts, code: str, answer: str | None = None) -> dict:
    """The reference answers, with `code` after the target cell's answer (or after `answer`)."""
    return _with(p, **{p.target: (answer if answer is not None else p.reference[p.target]).rstrip() + "\n" + code.strip() + "\n"})


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _defined_functions(source: str) -> list[str]:
    """The functions an answer defines, and its classes' methods ("Name.method")."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            found.append(node.name)
        elif isinstance(node, ast.ClassDef):
            found += [f"{node.name}.{item.name}" for item in node.body if isinstance(item, ast.FunctionDef)]
    return found


# --- answers, and files that hold no notebook --------------------------------------------------------

def answers_variants(p: LabParts) -> list[Variant]:
    lab, name = p.lab, f"{p.lab.name}.ipynb"
    out = []
    if p.alternatives:
        out.append(Variant("correct answers written differently", "answers", "Alice Alt", name,
                           notebook_bytes(make_submission(lab, {**p.reference, **p.alternatives[0]})), p.full(),
                           "every answer right, in other words than the solution's: full marks"))
    out.append(Variant("partial work: the last task not answered", "answers", "Bruno Partial", name,
                       notebook_bytes(make_submission(lab, {k: v for k, v in p.reference.items() if k != p.target})),
                       p.without(p.target), f"{p.target} left as released: its task scores 0, the others full"))
    out.append(Variant("the untouched release", "answers", "Caio Release", name, lab.release.read_bytes(), p.zero(),
                       "nothing answered: 0 everywhere"))
    empty = copy.deepcopy(read_notebook(lab.release))
    empty["cells"] = []
    out.append(Variant("an empty notebook", "answers", "Dora Empty", name, notebook_bytes(empty), p.zero(), "no cells, no answers: 0"))
    duplicated = _with(p)
    target_cell = _cell(duplicated, p.target)
    stub = copy.deepcopy(_cell(read_notebook(lab.release), p.target))
    index = duplicated["cells"].index(target_cell)
    duplicated["cells"][index:index] = [stub]  # the released stub, then the student's answer: a cell copied before answering
    duplicated["cells"].insert(index + 2, copy.deepcopy(target_cell))
    out.append(Variant("duplicated answer cells", "answers", "Edu Dup", name, notebook_bytes(duplicated), p.full(),
                       f"{p.target} appears three times (the stub and two answers): graded once, full marks"))
    reordered = _with(p)
    markdown = [i for i, c in enumerate(reordered["cells"]) if c["cell_type"] == "markdown" and "nbgrader" not in c.get("metadata", {})]
    first, last = markdown[0], markdown[-1]
    reordered["cells"][first], reordered["cells"][last] = reordered["cells"][last], reordered["cells"][first]
    out.append(Variant("reordered cells", "answers", "Fabi Order", name, notebook_bytes(reordered), p.full(),
                       "two text cells swapped: nothing graded moved, full marks"))
    extra = _with(p)
    index = extra["cells"].index(_cell(extra, p.target))
    scratch = {"cell_type": "code", "id": uuid.uuid4().hex[:8], "metadata": {}, "execution_count": None, "outputs": [],
               "source": "# my experiments\nscratch = [i ** 2 for i in range(10)]\nprint(scratch)\n"}
    extra["cells"][index + 1:index + 1] = [scratch, {"cell_type": "markdown", "id": uuid.uuid4().hex[:8], "metadata": {},
                                                     "source": "My notes: this part was hard."}]
    out.append(Variant("extra cells", "answers", "Gil Extra", name, notebook_bytes(extra), p.full(),
                       "a scratch code cell and a note added: full marks"))
    return out


def file_variants(p: LabParts) -> list[Variant]:
    name = f"{p.lab.name}.ipynb"
    answers = "\n\n".join(p.reference.values())
    not_a_notebook = "the file holds no notebook: 0, and the batch goes on"
    return [
        Variant("a zero-byte file", "files", "Hugo Zero", name, b"", p.zero(), not_a_notebook),
        Variant("not JSON", "files", "Iris Text", name, b"I could not upload my notebook, sorry", p.zero(), not_a_notebook),
        Variant("JSON but not a notebook", "files", "Jon Json", name, b'{"answers": [1, 2, 3]}', p.zero(), not_a_notebook),
        Variant("a .py file handed in", "files", "Kim Script", f"{p.lab.name}.py", answers.encode("utf-8"), p.zero(), not_a_notebook),
        Variant("a .pdf handed in", "files", "Lia Print", f"{p.lab.name}.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n",
                p.zero(), not_a_notebook),
    ]


# --- one answer cell breaks: only its task loses points -------------------------------------------------

BREAKING = {
    "a syntax error": "def broken(:\n    pass",
    "an exception": "raise ValueError('I will fix this later')",
    "sys.exit()": "import sys\nsys.exit(1)",
    "os._exit(): the kernel dies": "import os\nos._exit(3)",
    "an infinite loop": "while True:\n    pass",
    "a sleep past the time limit": f"import time\ntime.sleep({CELL_TIMEOUT * 2})",
    "tens of megabytes of output": "for _ in range(40):\n    print('x' * 1_000_000)",
    # bounded, so that plain nbgrader survives it too: 8 GiB is above course grade's 4 GiB limit
    "a memory bomb": "blocks = []\nfor _ in range(64):\n    blocks.append(bytearray(128 * 2**20))",
    "a few hundred child processes": "import subprocess\nchildren = [subprocess.Popen(['sleep', '2']) for _ in range(300)]\n"
                                     "for child in children:\n    child.wait()",
}


def broken_variants(p: LabParts) -> list[Variant]:
    out = []
    for index, (kind, code) in enumerate(BREAKING.items()):
        nb = _with(p, **{p.target: code})
        out.append(Variant(f"{kind} in one answer cell", "broken", f"Broken Case{index}", f"{p.lab.name}.ipynb", notebook_bytes(nb),
                           p.without(p.target), f"{p.target} holds {kind} instead of its answer: that task scores 0, "
                           "every other task full marks"))
    return out


# --- right answers that are noisy ------------------------------------------------------------------------

def noisy_variants(p: LabParts) -> list[Variant]:
    functions = _defined_functions(p.reference[p.target])
    wrap = "\n".join(f"{name} = _noisy({name})" for name in functions)
    inside = f'''
import functools as _functools, sys as _sys, warnings as _warnings
def _noisy(function):
    @_functools.wraps(function)
    def wrapper(*args, **kwargs):
        print("debug: calling", function.__name__, file=_sys.stderr)
        _warnings.warn("this function is noisy", UserWarning)
        return function(*args, **kwargs)
    return wrapper
{wrap}
'''
    top = 'import sys, warnings\nprint("a note to myself", file=sys.stderr)\nwarnings.warn("deprecated, I know", DeprecationWarning)\nwarnings.warn("just a warning")'
    tf = ('import os\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"\nimport importlib, tensorflow as tf\nimportlib.reload(tf)\n'
          'tf.get_logger().warning("TensorFlow says something")\nimport absl.logging\nabsl.logging.warning("absl too")')
    why = "right answers that also write to stderr: full marks"
    out = [Variant("stderr and warnings at the top of an answer cell", "noisy", "Noisy Top", f"{p.lab.name}.ipynb",
                   notebook_bytes(_append(p, top)), p.full(), why),
           Variant("TensorFlow imported again, noisily", "noisy", "Noisy Import", f"{p.lab.name}.ipynb",
                   notebook_bytes(_append(p, tf)), p.full(), why)]
    if functions:
        out.append(Variant("stderr inside the functions the tests call", "noisy", "Noisy Inside", f"{p.lab.name}.ipynb",
                           notebook_bytes(_append(p, inside)), p.full(), why))
    return out


# --- tampering: each comes with a wrong answer, so that any point gained is a point stolen -------------

def tampering_variants(p: LabParts) -> list[Variant]:
    wrong, test_cell = p.wrong["source"], grading_cell_of(p.target)
    expected = p.without(p.target, score=p.wrong.get("score", 0.0))
    why = f"a wrong {p.target} (the lab's answer '{p.wrong['says']}'), whose task gets that answer's points whatever else the cell does"
    swallow = '''
import ast as _ast
class _Swallow(_ast.NodeTransformer):
    def visit_Module(self, node):
        handler = _ast.ExceptHandler(type=_ast.Name("BaseException", _ast.Load()), name=None, body=[_ast.Pass()])
        return _ast.fix_missing_locations(_ast.Module(body=[_ast.Try(body=node.body, handlers=[handler], orelse=[], finalbody=[])], type_ignores=[]))
get_ipython().ast_transformers.append(_Swallow())
'''
    in_cells = {
        "an AST transformer that swallows every error": swallow,
        "an input transformer that wraps cells in try/except": '''
def _wrap(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]
get_ipython().input_transformers_post.append(_wrap)
''',
        "helpers.checks turned into no-ops": '''
from helpers import checks as _checks
for _name in dir(_checks):
    if _name.startswith(("expect", "check")) and callable(getattr(_checks, _name)):
        setattr(_checks, _name, lambda *args, **kwargs: None)
''',
        "numpy.testing and builtins patched to pass": '''
import builtins as _builtins, numpy as _np
_np.testing.assert_allclose = _np.testing.assert_array_equal = lambda *args, **kwargs: None
_builtins.AssertionError = type("AssertionError", (Exception,), {})
_builtins.isinstance = lambda obj, cls: True
''',
        "IPython's traceback display silenced": 'get_ipython().showtraceback = lambda *args, **kwargs: None\n'
                                                'get_ipython().showsyntaxerror = lambda *args, **kwargs: None',
        "a sys.settrace hook that makes checks pass": '''
import ctypes as _ctypes, sys as _sys
def _tracer(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "expect" and "condition" in frame.f_locals:
        frame.f_locals["condition"] = True
        _ctypes.pythonapi.PyFrame_LocalsToFast(_ctypes.py_object(frame), _ctypes.c_int(0))
    return None
_sys.settrace(_tracer)
''',
    }
    out = [Variant(kind, "tampering", f"Tamper Case{i}", f"{p.lab.name}.ipynb", notebook_bytes(_append(p, code, answer=wrong)), expected, why)
           for i, (kind, code) in enumerate(in_cells.items())]
    for kind, edit in (("visible tests deleted", "delete"), ("visible tests edited", "edit"), ("test cell replaced by pass", "pass")):
        nb = _with(p, **{p.target: wrong})
        cell = _cell(nb, test_cell)
        if edit == "delete":
            nb["cells"].remove(cell)
        elif edit == "edit":
            cell["source"] = "\n".join(line for line in source_text(cell).splitlines() if "checks." not in line) + "\nprint('all good')\n"
        else:
            cell["source"] = f"# GRADED {test_cell}\npass\n"
        out.append(Variant(kind, "tampering", f"Tamper {edit.title()}", f"{p.lab.name}.ipynb", notebook_bytes(nb), expected, why))
    return out


# --- reaching outside: nothing is there to be had --------------------------------------------------------

def escape_variants(p: LabParts) -> list[Variant]:
    lab = p.lab
    expected = p.without(p.target, score=p.wrong.get("score", 0.0))
    why = f"a wrong {p.target}; what it reaches for is not there, so its task gets the wrong answer's points"
    solution_paths = [str(lab.root / "solutions" / lab.name / f"{lab.name}.ipynb"), f"../../../source/{lab.name}/{lab.name}.ipynb",
                      f"../../source/{lab.name}/{lab.name}.ipynb", f"../source/{lab.name}/{lab.name}.ipynb"]
    steal = f'''
import json as _json, re as _re
for _path in {solution_paths!r}:
    try:
        _nb = _json.load(open(_path, encoding="utf-8"))
    except (OSError, ValueError):
        continue
    for _cell in _nb["cells"]:
        if _cell.get("metadata", {{}}).get("nbgrader", {{}}).get("grade_id") == {p.target!r}:
            _code = "".join(_cell["source"])
            exec(_re.sub(r"### (BEGIN|END) SOLUTION", "", _code))
            print("{LEAKED}: ran the solution from", _path)
    break
'''
    gradebook = f'''
import glob as _glob
for _path in _glob.glob("../../../gradebook.db") + _glob.glob("../../gradebook.db") + _glob.glob("/*/gradebook.db"):
    try:
        print("{LEAKED}", open(_path, "rb").read(16))
    except OSError:
        pass
'''
    write_gradebook = f'''
import glob as _glob
for _path in _glob.glob("../../../gradebook.db") + _glob.glob("../../gradebook.db"):
    try:
        open(_path, "wb").write(b"I graded myself")
        print("{LEAKED} wrote", _path)
    except OSError:
        pass
'''
    others = f'''
import glob as _glob, json as _json
for _path in _glob.glob("../../../submitted/*/{lab.name}/*.ipynb") + _glob.glob("../../*/{lab.name}/*.ipynb"):
    try:
        open(_path, "w").write(_json.dumps({{"cells": [], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}))
        print("{LEAKED} emptied", _path)
    except OSError:
        pass
'''
    port = f'''
import json as _json, glob as _glob, socket as _socket
_ports = []
for _path in _glob.glob("/tmp/*.json") + _glob.glob("/root/.local/share/jupyter/runtime/*.json"):
    try:
        _ports += [v for k, v in _json.load(open(_path)).items() if k.endswith("_port")]
    except Exception:
        pass
for _port in _ports:
    try:
        _socket.create_connection(("127.0.0.1", _port), timeout=1).close()
        print("{LEAKED} connected to", _port)
    except OSError:
        pass
'''
    network = f'''
import socket as _socket, urllib.request as _request
for _host in [("1.1.1.1", 53), ("8.8.8.8", 53)]:
    try:
        _socket.create_connection(_host, timeout=2).close()
        print("{LEAKED} reached", _host)
    except OSError:
        pass
try:
    _request.urlopen("https://pypi.org", timeout=3)
    print("{LEAKED} downloaded")
except Exception:
    pass
'''
    attacks = {"reading and running the solution (solutions/ or nbgrader's source/)": steal, "reading the gradebook": gradebook,
               "writing the gradebook": write_gradebook, "overwriting other students' files": others,
               "connecting to the grader's ports": port, "reading the network": network}
    return [Variant(kind, "escape", f"Escape Case{i}", f"{lab.name}.ipynb", notebook_bytes(_append(p, code, answer=p.wrong["source"])),
                    expected, why, harms_others=kind.startswith(("writing", "overwriting")))
            for i, (kind, code) in enumerate(attacks.items())]


# --- other editors, and files named as students name them ----------------------------------------------

def _lines_to_string(nb: dict) -> dict:
    for cell in nb["cells"]:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return nb


def colab(nb: dict) -> dict:
    """Colab: every cell re-created (no nbgrader metadata, new ids), its own metadata, a widget output."""
    nb = copy.deepcopy(nb)
    nb["metadata"] = {"colab": {"provenance": [], "toc_visible": True}, "kernelspec": {"name": "python3", "display_name": "Python 3"},
                      "language_info": {"name": "python"}, "accelerator": "GPU",
                      "widgets": {"application/vnd.jupyter.widget-state+json": {"0a1b": {"model_name": "LayoutModel", "state": {}}}}}
    for cell in nb["cells"]:
        cell["metadata"] = {"id": uuid.uuid4().hex[:12]}
        cell["id"] = uuid.uuid4().hex[:12]
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                                "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "0a1b", "version_major": 2, "version_minor": 0},
                                         "text/plain": "HBox(children=(FloatProgress(value=0.0),))"}}]
            cell["execution_count"] = 1
    return _lines_to_string(nb)


def kaggle(nb: dict) -> dict:
    nb = _lines_to_string(copy.deepcopy(nb))
    nb["metadata"]["kaggle"] = {"accelerator": "none", "isInternetEnabled": True, "language": "python", "sourceType": "notebook"}
    return nb


def vscode(nb: dict) -> dict:
    nb = _lines_to_string(copy.deepcopy(nb))
    nb["metadata"]["vscode"] = {"interpreter": {"hash": "0" * 64}}
    for cell in nb["cells"]:
        cell["source"] = cell["source"].replace("\n", "\r\n")
    return nb


def classic(nb: dict, minor: int = 4) -> dict:
    """Classic Notebook (nbformat 4.4 and older): no cell ids, "collapsed" and "scrolled" in metadata."""
    nb = copy.deepcopy(nb)
    nb["nbformat_minor"] = minor
    for cell in nb["cells"]:
        cell.pop("id", None)
        if cell["cell_type"] == "code":
            cell["metadata"].update(collapsed=False, scrolled=True)
    return nb


def jupyterlab3(nb: dict) -> dict:
    nb = copy.deepcopy(nb)
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.9.7", "codemirror_mode": {"name": "ipython", "version": 3}}
    for cell in nb["cells"]:
        cell["metadata"]["tags"] = []
    return nb


def editor_variants(p: LabParts) -> list[Variant]:
    lab, name, solved = p.lab, f"{p.lab.name}.ipynb", _with(p)
    why = "the reference answers saved by another editor or named differently: graded as if written in JupyterLab, full marks"
    saved = {"saved by Colab (cells re-created, Colab metadata, widget outputs)": notebook_bytes(colab(solved)),
             "saved by Kaggle (minified JSON, string sources)": json.dumps(kaggle(solved), separators=(",", ":")).encode("utf-8"),
             "saved by VS Code (CRLF inside sources)": notebook_bytes(vscode(solved)),
             "saved by JupyterLab 3": notebook_bytes(jupyterlab3(solved)),
             "saved by JupyterLab 4": notebook_bytes(solved),
             "saved by classic Notebook (nbformat 4.4)": notebook_bytes(classic(solved)),
             "an older nbformat minor (4.1)": notebook_bytes(classic(solved, minor=1))}
    out = [Variant(kind, "editors", f"Editor Case{i}", name, data, p.full(), why) for i, (kind, data) in enumerate(saved.items())]
    named = {"accented name and file name (NFD, as macOS writes them)": ("Jose\u0301 Mu\u0308ller", f"laborato\u0301rio {lab.name}.ipynb"),
             "CJK name and file name": ("王小明", f"实验 {lab.name}.ipynb"),
             "'Copy of …'": ("Noor Copy", f"Copy of {lab.name}.ipynb"),
             "'… (1).ipynb'": ("Otto Again", f"{lab.name} (1).ipynb"),
             "renamed": ("Pia Renamed", "my homework FINAL.ipynb")}
    out += [Variant(f"file named as students do: {kind}", "editors", person, file_name, notebook_bytes(solved), p.full(), why)
            for kind, (person, file_name) in named.items()]
    return out


def corpus(lab: Lab) -> list[Variant]:
    p = parts(lab)
    variants = (answers_variants(p) + file_variants(p) + broken_variants(p) + noisy_variants(p) + tampering_variants(p)
                + escape_variants(p) + editor_variants(p))
    return number(variants)


def number(variants: list[Variant]) -> list[Variant]:
    """Give each variant a student id; leading zeros are kept as the platforms write them."""
    for index, variant in enumerate(variants, 1):
        variant.student = f"{index:06d}"
    return variants


IN_SUITE = ("duplicated answer cells", "os._exit(): the kernel dies in one answer cell", "stderr inside the functions the tests call",
            "a sys.settrace hook that makes checks pass", "reading and running the solution (solutions/ or nbgrader's source/)",
            "saved by Colab (cells re-created, Colab metadata, widget outputs)", "file named as students do: CJK name and file name")


def in_suite(lab: Lab) -> list[Variant]:
    """One variant of each group, plus every variant of the files group (they need no kernel)."""
    chosen = [v for v in corpus(lab) if v.kind in IN_SUITE or v.group == "files"]
    assert {v.group for v in chosen} == set(GROUPS), "IN_SUITE must name a variant of every group"
    return chosen


def write_downloads(folder: Path, variants: list[Variant]) -> Path:
    """The variants as a Moodle download (one file each, named as Moodle names them); returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for variant in variants:
        (folder / variant.download_name).write_bytes(variant.data)
    return folder


def leaked(autograded: Path) -> bool:
    """Whether an attack printed LEAKED in the outputs of this graded notebook (its source says it anyway)."""
    try:
        nb = json.loads(autograded.read_text(encoding="utf-8", errors="replace"))
    except ValueError:
        return False
    return any(LEAKED in json.dumps(cell.get("outputs", [])) for cell in nb.get("cells", []))


@dataclass
class Mismatch:
    variant: Variant
    task: str
    expected: float
    got: float | None
    why: str


def compare(variants: list[Variant], grades: dict[str, dict[str, float | None]], notes: dict[str, str]) -> list[Mismatch]:
    """Every (variant, task) whose grade differs from the expected one. A missing grade counts as 0 (and says why)."""
    wrong = []
    for variant in variants:
        got = grades.get(variant.student, {})
        for task, points in variant.expected.items():
            score = got.get(task)
            if (score or 0.0) != points:
                wrong.append(Mismatch(variant, task, points, score, notes.get(variant.student, variant.why)))
    return wrong


def table(mismatches: list[Mismatch]) -> str:
    rows = [("variant", "task", "expected", "got", "why")] + [
        (m.variant.kind, m.task, f"{m.expected:g}", "-" if m.got is None else f"{m.got:g}", m.why[:120]) for m in mismatches]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows)


def course_grades(report: dict, variants: list[Variant]) -> tuple[dict[str, dict[str, float | None]], dict[str, str]]:
    """({student: {test cell: points}}, {student: what the grader said}) from a `course grade` report."""
    grades = {row["student"]: {k: (None if v == "" else float(v)) for k, v in row.items() if k.endswith("_tests")}
              for row in report["grades"]}
    notes = {row["student"]: "; ".join(x for x in (row["status"], row["problems"], row["repairs"]) if x) for row in report["grades"]}
    by_name = {v.download_name: v.student for v in variants}
    for path, why in report["not_read"]:
        if path in by_name:
            notes[by_name[path]] = f"not read: {why}"
    return grades, notes


@dataclass
class PlainResult:
    grades: dict[str, float | None]  # what plain nbgrader gave the variant ({} if it gave nothing)
    errors: bool  # nbgrader's log has errors, or it exited non-zero
    aborted: bool  # the batch stopped: the submission handed in after this one was not graded
    bystander_harmed: bool  # that later submission, the reference answers, lost points (attacks on others only)
    leaked: bool  # an attack printed LEAKED: it worked


BYSTANDER = "999999"  # sorts after every variant, so nbgrader grades it last


def plain_nbgrader(lab: Lab, variants: list[Variant], workdir: Path) -> dict[str, PlainResult]:
    """Each variant graded by plain `nbgrader autograde` in a batch of its own, handed in under its own file
    name, with a bystander graded after it: the untouched release (quick), or the reference answers next to
    an attack on the other submissions."""
    import shutil

    from course import CourseError
    from course.grading import gradebook_scores
    from course.labs import new_course_dir, run_nbgrader

    generated = new_course_dir(lab.root, [lab], workdir / "generated")
    run_nbgrader(["generate_assignment", lab.name, "--force"], generated)
    p = parts(lab)
    results = {}
    for variant in variants:
        course = shutil.copytree(generated, workdir / f"v{variant.student}")
        bystander = notebook_bytes(_with(p)) if variant.harms_others else lab.release.read_bytes()
        for student, (file_name, data) in {variant.student: (variant.file_name, variant.data),
                                           BYSTANDER: (f"{lab.name}.ipynb", bystander)}.items():
            target = course / "submitted" / student / lab.name / file_name
            target.parent.mkdir(parents=True)
            target.write_bytes(data)
        errors = False
        try:
            run_nbgrader(["autograde", lab.name, "--force", f"--Execute.timeout={CELL_TIMEOUT}"], course)
        except CourseError:
            errors = True
        scores = {}
        for student in (variant.student, BYSTANDER):
            try:
                scores[student] = gradebook_scores(course, lab, [student])[student]
            except Exception:  # MissingEntry: nbgrader never graded it; or the gradebook itself was destroyed
                scores[student] = None
        harmed = variant.harms_others and scores[BYSTANDER] is not None and any(
            (scores[BYSTANDER].get(t) or 0.0) != v for t, v in p.points.items())
        results[variant.student] = PlainResult({t: (scores[variant.student] or {}).get(t) for t in p.points}, errors,
                                               scores[BYSTANDER] is None, harmed,
                                               any(leaked(path) for path in (course / "autograded" / variant.student).glob("*/*.ipynb")))
        shutil.rmtree(course, ignore_errors=True)
    return results


def grade_corpus_class(lab: Lab, tmp_path_factory, workers: int = 1):
    """`course grade` over `in_suite(lab)` as one class: (variants, report, output folder)."""
    from course.classgrade import Options, grade_class

    variants = in_suite(lab)
    folder = write_downloads(tmp_path_factory.mktemp("corpus-downloads"), variants)
    out = tmp_path_factory.mktemp("corpus-grading")
    report = grade_class(lab, folder, out, Options(workers=workers, cell_timeout=CELL_TIMEOUT, progress=False))
    return variants, report, out
