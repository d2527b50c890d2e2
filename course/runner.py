"""Run one repaired submission in a sandboxed kernel, as nbgrader's autograder would, but bounded.

`grade_job(job)` is what a worker (a local thread, or a Dask worker) calls: it starts this module
as its own process (`python -m course.runner JOB RESULT`), which runs the notebook and writes the
executed notebook to RESULT. The kernel runs
- in a folder of its own, in a new cgroup (memory really used, number of processes),
- under bubblewrap where it is installed: the file system read-only, the grading folders (job
  files with hidden tests, other students, the gradebook, solutions/) replaced by empty folders,
  no network, its own process ids; else `unshare --net` where we are root;
- with stdin closed, a time limit per cell and per notebook, and its outputs capped.
The kernel talks to us over the `ipc` transport (files in its folder), which works in a new
network namespace. Before every test cell, the grader restores what answer code may have
patched (builtins, sys hooks, helpers.checks, numpy.testing, IPython's transformers and event
hooks, the shell's and kernel's methods) and rebinds the lab's setup imports; the test cell's
result is read from the kernel's reply on our channel, not from anything the notebook writes.
When a cell kills the kernel or runs out of time, the kernel is restarted, the code cells before
it are run again, and grading goes on without it.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Per cell, as JSON; beyond it the outputs are replaced by a note. A figure is 30-150 kB of PNG
# (base64), so a cell may show a few; a loop printing every batch may not swell feedback and gradebook.
MAX_OUTPUT_CHARS = 1_000_000
MAX_OUTPUTS = 50  # per cell
MAX_RESTARTS = 3

# Runs once in each new kernel before any student code: keeps pristine copies of what answer
# code could patch, and a function that puts them back (called before every test cell).
_PREAMBLE = r'''
def _course_grader_install(nonce, rebind):
    import builtins, importlib, sys, types
    ip = get_ipython()
    modules = {}
    for name in ("builtins", "sys", "importlib", "helpers", "helpers.checks", "numpy.testing", "numpy.testing._private.utils"):
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        modules[name] = (module, dict(vars(module)))
    objects = [ip, getattr(ip, "kernel", None), getattr(getattr(ip, "kernel", None), "session", None),
               ip.displayhook, ip.display_pub, sys.stdout, sys.stderr]
    objects = [o for o in objects if o is not None]
    classes = {c for o in objects for c in type(o).__mro__ if c is not object}
    saved_objects = [(o, {k: v for k, v in vars(o).items() if callable(v)}) for o in objects if hasattr(o, "__dict__")]
    saved_classes = [(c, {k: v for k, v in vars(c).items() if callable(v) or isinstance(v, (staticmethod, classmethod, property))})
                     for c in classes]
    lists = {name: list(getattr(ip, name)) for name in ("ast_transformers", "input_transformers_post")}  # cleanup: the manager's list
    manager = ip.input_transformer_manager
    manager_lists = {name: list(getattr(manager, name)) for name in ("cleanup_transforms", "line_transforms", "token_transformers")
                     if hasattr(manager, name)}
    events = {name: list(callbacks) for name, callbacks in ip.events.callbacks.items()}
    meta_path, path_hooks = list(sys.meta_path), list(sys.path_hooks)
    setattr_, delattr_, vars_, list_, callable_ = setattr, delattr, vars, list, callable

    def restore():
        for module, saved in modules.values():
            names = vars_(module)
            for key in list_(names):
                if key not in saved:
                    del names[key]
            names.update(saved)
        for name, (module, _) in modules.items():
            sys.modules[name] = module
        sys.meta_path[:] = meta_path
        sys.path_hooks[:] = path_hooks
        sys.settrace(None)
        sys.setprofile(None)
        for obj, saved in saved_objects:
            for key in list_(vars_(obj)):
                if key not in saved and callable_(vars_(obj)[key]):
                    delattr_(obj, key)
            for key, value in saved.items():
                setattr_(obj, key, value)
        for cls, saved in saved_classes:
            for key, value in saved.items():
                if vars_(cls).get(key) is not value:
                    setattr_(cls, key, value)
        for name, saved in lists.items():
            setattr_(ip, name, list_(saved))
        for name, saved in manager_lists.items():
            setattr_(manager, name, list_(saved))
        for name, saved in events.items():
            ip.events.callbacks[name] = list_(saved)
        ip.custom_exceptions = ()
        exec(rebind, ip.user_ns)
        return nonce

    grader = types.ModuleType("_course_grader")
    grader.restore = restore
    sys.modules["_course_grader"] = grader

_course_grader_install(NONCE, REBIND)
del _course_grader_install
'''
_RESTORE = '__import__("sys").modules["_course_grader"].restore()'


def _cgroups(name: str, memory_bytes: int, max_processes: int) -> dict[str, Path]:
    """New memory and pids cgroups (v1, as root) for one submission; {} where they cannot be made."""
    made = {}
    for controller, settings in (("memory", {**memory_limits(memory_bytes), "memory.swappiness": 0}),
                                 ("pids", {"pids.max": max_processes})):
        root = Path("/sys/fs/cgroup") / controller
        if not os.access(root, os.W_OK):
            continue
        group = root / name
        try:
            group.mkdir(parents=True, exist_ok=True)
            write_settings(group, settings)
            made[controller] = group
        except OSError:
            continue
    return made


def memory_limits(memory_bytes: int) -> dict[str, int]:
    """cgroup v1 settings that limit the memory really used, swap included where it is accounted."""
    return {"memory.limit_in_bytes": memory_bytes, "memory.memsw.limit_in_bytes": memory_bytes}


def write_settings(group: Path, settings: dict[str, int]) -> None:
    for key, value in settings.items():
        if (group / key).exists():
            try:
                (group / key).write_text(str(value))
            except OSError:  # memsw needs swap accounting; swappiness may be refused
                pass


def _reset_peak(groups: dict[str, Path]) -> int:
    """Start measuring a warm worker's peak anew; return what its zygote holds now (bytes)."""
    try:
        (groups["memory"] / "memory.max_usage_in_bytes").write_text("0")
        return int((groups["memory"] / "memory.usage_in_bytes").read_text())
    except (KeyError, OSError, ValueError):
        return 0


def _peak(groups: dict[str, Path], baseline: int) -> int | None:
    """The peak memory of this submission's kernel: the worker's peak, less what the zygote held."""
    try:
        return int((groups["memory"] / "memory.max_usage_in_bytes").read_text()) - baseline
    except (KeyError, OSError, ValueError):
        return None


def remove_cgroups(groups: dict[str, Path]) -> int | None:
    """Remove the submission's cgroups; return the peak memory it used (bytes), when known."""
    peak = None
    for controller, group in groups.items():
        if controller == "memory":
            try:
                peak = int((group / "memory.max_usage_in_bytes").read_text())
            except (OSError, ValueError):
                pass
        for _ in range(50):  # kill what is left (a student's background processes too), then remove the group
            try:
                for pid in (group / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
    return peak


def sandbox_prefix(folder: Path, hide: list[str], groups: dict[str, Path], expose: list[str] = ()) -> tuple[list[str], list[str]]:
    """The command that wraps the kernel, and what isolation it gives (for the report)."""
    procs = " ".join(f"echo $$ > {group / 'cgroup.procs'};" for group in groups.values())
    prefix = ["sh", "-c", f'{procs} exec "$@" </dev/null', "sh"]  # join the cgroups, close stdin
    isolation = [f"{c} cgroup" for c in groups] + ["stdin closed"]
    bwrap = shutil.which("bwrap")
    if bwrap:
        # /tmp is emptied too (other courses' gradebooks, other runs); data folders there come back read-only.
        args = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/dev/shm", "--tmpfs", "/tmp"]
        expose = [str(Path(p).resolve()) for p in expose if Path(p).exists()]
        for path in expose:  # the course, its Python and data folders, wherever they are
            args += ["--ro-bind", path, path]
        for path in hide:  # then empty the grading folders (e.g. solutions/ inside the course)
            resolved = Path(path).resolve()
            if resolved.exists() and (not resolved.is_relative_to("/tmp") or any(resolved.is_relative_to(e) for e in expose)):
                args += ["--tmpfs", str(resolved)]
        args += ["--bind", str(folder), str(folder), "--chdir", str(folder), "--setenv", "HOME", str(folder), "--unsetenv", "JPY_PARENT_PID",  # its parent is outside the pid namespace
                 "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
                 "--cap-drop", "ALL",  # run by root, the kernel would keep its capabilities and could unmount what hides solutions/
                 "--"]
        return prefix + args, isolation + ["bubblewrap: read-only files, grading folders hidden, no network"]
    if os.geteuid() == 0 and shutil.which("unshare"):
        return prefix + ["unshare", "--net", "--"], isolation + ["no network (unshare); files outside the folder readable: install bubblewrap"]
    return prefix, isolation + ["no file or network isolation: install bubblewrap"]


def _error_output(ename: str, evalue: str):
    import nbformat

    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _cap_outputs(cell: dict) -> None:
    outputs = cell.get("outputs", [])
    if len(outputs) > MAX_OUTPUTS or len(json.dumps(outputs)) > MAX_OUTPUT_CHARS:
        errors = [o for o in outputs if o.get("output_type") == "error"][:1]  # keep what decides the grade
        import nbformat

        note = nbformat.v4.new_output("stream", name="stdout",
                                      text=f"[the grader dropped this cell's outputs: more than {MAX_OUTPUTS} outputs or {MAX_OUTPUT_CHARS} characters]\n")
        cell["outputs"] = [note] + errors


def run_notebook(job: dict) -> dict:
    """Execute the job's notebook in a sandboxed kernel; return the executed notebook and a report."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    folder = Path(job["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    warm = {"socket": job.get("warm_socket")}  # kernels forked by the worker's zygote (course.warm), while it works
    warm_groups = {c: Path(g) for c, g in job.get("warm_groups", {}).items()}
    groups, prefix, isolation = {}, [], list(job.get("isolation", []))

    def go_cold():
        nonlocal groups, prefix, isolation
        warm["socket"] = None
        groups = _cgroups(f"course-grade/{folder.parent.name}-{folder.name}", job["memory_bytes"], job["max_processes"])
        prefix, isolation = sandbox_prefix(folder, job["hide"], groups, job.get("expose", []))

    baseline = 0
    if warm["socket"]:
        baseline = _reset_peak(warm_groups)
    else:
        go_cold()

    class SandboxedKernelManager(AsyncKernelManager):  # nbclient needs the async client
        def format_kernel_cmd(self, extra_arguments=None):
            if warm["socket"]:
                return [sys.executable, "-m", "course.warm", "connect", warm["socket"], self.connection_file]
            return prefix + super().format_kernel_cmd(extra_arguments)

    class ReplyRecordingClient(NotebookClient):
        """Keeps each cell's execute_reply status: an error the notebook hid from its outputs still counts."""
        statuses: dict[int, str] = {}

        async def _check_raise_for_error(self, cell, cell_index, exec_reply):
            if exec_reply is not None:
                self.statuses[cell_index] = exec_reply["content"].get("status", "error")
            return await super()._check_raise_for_error(cell, cell_index, exec_reply)

    nb = nbformat.reads(json.dumps(job["notebook"]), as_version=4)  # sources as strings
    test_cells = set(job["test_cells"])
    env = {**job["env"], "HOME": str(folder), "JPY_SESSION_NAME": str(folder / f"{job['lab']}.ipynb")}
    started = time.monotonic()
    problems, skipped, restarts = [], set(), 0
    problems_of_grader = []  # the grader's own trouble: reported, never the student's
    nonce = secrets.token_hex(8)

    def new_client():
        if warm["socket"]:
            try:
                return start_client()
            except Exception as err:  # the zygote is gone or broken: a kernel of its own, as without warm kernels
                problems_of_grader.append(f"warm kernel failed ({type(err).__name__}); used a cold one")
                go_cold()
        return start_client()

    def start_client():
        km = SandboxedKernelManager(transport="ipc", ip=str(folder / "kernel"), connection_file=str(folder / "kernel.json"))
        client = ReplyRecordingClient(nb, km=km, timeout=job["cell_timeout"], allow_errors=True, kernel_name="python3",
                                      resources={"metadata": {"path": str(folder)}}, shutdown_kernel="immediate")
        client.statuses = {}
        log = open(folder / "kernel.log", "ab")
        client.setup_kernel_context = client.setup_kernel(cwd=str(folder), env=env, stdout=subprocess.DEVNULL, stderr=log)
        client.setup_kernel_context.__enter__()
        preamble = _PREAMBLE.replace("NONCE", repr(nonce)).replace("REBIND", repr(job["rebind"]))
        client.wait_for_reply(client.kc.execute(preamble, silent=True, store_history=False))
        return client

    def close(client):
        try:
            client.setup_kernel_context.__exit__(None, None, None)
        except Exception:  # a dead kernel may not shut down cleanly; it is gone either way
            pass
        try:  # nbclient leaves a kernel manager it was given running: a timed-out cell would go on using CPU
            run_sync(client.km.shutdown_kernel)(now=True)
        except Exception:
            pass

    def restored(client) -> bool:
        msg_id = client.kc.execute("", silent=True, store_history=False, user_expressions={"r": _RESTORE})
        reply = client.wait_for_reply(msg_id)
        value = (reply or {}).get("content", {}).get("user_expressions", {}).get("r", {})
        return value.get("data", {}).get("text/plain") == repr(nonce)

    client = new_client()
    phases = {"kernel_start": round(time.monotonic() - started, 2)}
    index = 0
    try:
        while index < len(nb.cells):
            cell = nb.cells[index]
            if cell.cell_type != "code" or index in skipped:
                index += 1
                continue
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            left = job["notebook_timeout"] - (time.monotonic() - started)
            if left <= 0:
                cell.outputs = [_error_output("NotebookTimeout", f"not run: the notebook ran past its limit of {job['notebook_timeout']} s")]
                index += 1
                continue
            client.timeout = max(1, int(min(job["cell_timeout"], left)))
            try:
                if grade_id in test_cells and not restored(client):
                    cell.outputs = [_error_output("GraderRestoreFailed", "the grader could not undo what the code before this cell patched; "
                                                  "a person should look at this submission")]
                    problems.append(f"{grade_id}: the grader's checks could not be restored (answer code patched the grader)")
                    index += 1
                    continue
                client.execute_cell(cell, index)
                if grade_id in test_cells and client.statuses.get(index) == "error" and not any(
                        o.get("output_type") == "error" for o in cell.outputs):
                    cell.outputs.append(_error_output("HiddenError", "this cell failed, but its error was not shown"))
                _cap_outputs(cell)
                index += 1
            except (DeadKernelError, CellTimeoutError, RuntimeError) as err:
                timed_out = isinstance(err, CellTimeoutError)
                reason = (f"the cell ran past its limit of {client.timeout} s" if timed_out
                          else "the cell stopped the kernel (it exited, crashed or ran out of memory)")
                cell.outputs = [_error_output("CellTimeout" if timed_out else "KernelDied", f"{reason}; the grader restarted the kernel and went on without it")]
                problems.append(f"cell {index + 1}{f' ({grade_id})' if grade_id else ''}: {reason}")
                skipped.add(index)
                close(client)
                restarts += 1
                if restarts > MAX_RESTARTS:
                    problems.append(f"gave up after {MAX_RESTARTS} kernel restarts")
                    for rest in nb.cells[index + 1:]:
                        if rest.cell_type == "code":
                            rest.outputs = [_error_output("NotRun", "not run: the kernel failed too often")]
                    break
                client = new_client()
                for earlier in range(index):  # as a person would: run what came before again, minus broken cells
                    before = nb.cells[earlier]
                    if before.cell_type == "code" and earlier not in skipped and before.metadata.get("nbgrader", {}).get("grade_id") not in test_cells:
                        replay = nbformat.v4.new_code_cell(before.source)
                        try:
                            client.execute_cell(replay, earlier)
                        except (DeadKernelError, CellTimeoutError, RuntimeError):
                            skipped.add(earlier)
                            close(client)
                            client = new_client()
                index += 1
    finally:
        phases["cells"] = round(time.monotonic() - started - phases["kernel_start"], 2)
        close(client)
        peak = remove_cgroups(groups) if groups else _peak(warm_groups, baseline)
        phases["stop"] = round(time.monotonic() - started - phases["kernel_start"] - phases["cells"], 2)
    for cell in nb.cells:  # feedback shows the one-sentence message, not lines of hidden tests
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade_id") in test_cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output['ename']}: {output['evalue']}"]
    return {"notebook": json.loads(nbformat.writes(nb)), "problems": problems, "restarts": restarts,
            "seconds": round(time.monotonic() - started, 2), "phases": phases, "peak_memory_bytes": peak,
            "isolation": isolation + (["warm kernel: forked from the worker's sandboxed zygote"] if warm["socket"] else []),
            "grader_notes": problems_of_grader}


def _with_warm_server(job: dict) -> dict:
    """The job, to run in a kernel forked by this worker thread's zygote (started on first use)."""
    from course import warm

    settings = json.dumps([job[k] for k in ("hide", "expose", "env", "memory_bytes", "max_processes")], sort_keys=True)

    def start():
        private = Path(job["private"]).parent
        folder = Path(tempfile.mkdtemp(prefix="warm-", dir=private))
        groups = _cgroups(f"course-grade/{private.name}-{folder.name}", 2 * job["memory_bytes"], job["max_processes"])
        sandbox, isolation = sandbox_prefix(folder, job["hide"], groups, job.get("expose", []))
        server = warm.WarmServer(folder, sandbox, job["env"], groups, job["memory_bytes"])
        server.isolation = isolation
        return server

    try:
        server = warm.server_for(settings, start)
    except Exception:  # no zygote: this submission gets a kernel of its own
        return job
    return {**job, "folder": str(server.folder / job["key"]), "warm_socket": server.socket_path,
            "warm_groups": {c: str(g) for c, g in server.groups.items()}, "isolation": server.isolation}


def grade_job(job: dict) -> dict:
    """Run one submission in its own process (this module) and return its result; never raises."""
    if job.get("warm"):
        job = _with_warm_server(job)
    private = Path(job["private"])
    private.mkdir(parents=True, exist_ok=True)
    job_file, result_file = private / f"{job['key']}.job.json", private / f"{job['key']}.result.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "course.runner", str(job_file), str(result_file)],
                              capture_output=True, text=True, timeout=job["notebook_timeout"] + 120)
        if result_file.is_file():
            result = json.loads(result_file.read_text(encoding="utf-8"))
        else:
            tail = " ".join((done.stderr or "").strip().splitlines()[-3:])
            result = {"error": f"the grader's runner failed (exit {done.returncode}): {tail[-300:]}"}
    except subprocess.TimeoutExpired:
        result = {"error": f"the grader's runner did not finish within {job['notebook_timeout'] + 120} s"}
    finally:
        job_file.unlink(missing_ok=True)
        result_file.unlink(missing_ok=True)
        shutil.rmtree(job["folder"], ignore_errors=True)
    result.update(student=job["student"], key=job["key"], wall_seconds=round(time.monotonic() - started, 2))
    return result


def new_private_folder() -> Path:
    """A folder for one grading run: job files and each student's sandbox, hidden from every kernel."""
    return Path(tempfile.mkdtemp(prefix="course-grade-"))


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    Path(argv[0]).unlink()  # the job holds hidden tests: gone before any student code runs
    try:
        result = run_notebook(job)
    except Exception as err:  # reported for this student; the batch goes on
        result = {"error": f"{type(err).__name__}: {err}"}
    Path(argv[1]).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
