"""Warm kernels: each grading worker forks its kernels from one sandboxed process that has already
imported TensorFlow, instead of importing it again for every submission (about 4.7 s of CPU each).

    python -m course.warm serve PRELOAD...          # the zygote, inside the worker's bubblewrap sandbox
    python -m course.warm connect SOCKET CONNECTION_FILE   # the "kernel" a kernel manager starts

The worker (outside the sandbox) creates the listening socket, in a folder the sandbox cannot
see, and hands its file descriptor to the zygote; a kernel manager starts `connect` as if it
were the kernel: it asks the zygote to fork a kernel for the connection file, passes its own
environment along, and lives as long as that kernel (when it is killed, the zygote kills the
kernel). Before each fork the zygote kills whatever the previous submission left running in the
sandbox and empties /tmp and /dev/shm; it is not dumpable, so kernels (which run without
capabilities) cannot trace it or read its memory. The worker pings it before each submission
and replaces the whole sandbox when it does not answer (a kernel may have stopped or killed it).
"""
from __future__ import annotations

import ctypes
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

PRELOAD = ["tensorflow", "keras", "numpy", "ipykernel.kernelapp"]
IDLE_SECONDS = 120  # a zygote nobody asks for a kernel this long exits (e.g. on a Dask worker after a run)
_PR_SET_DUMPABLE = 4


# ---------------------------------------------------------------- inside the sandbox: the zygote

def _kill_leftovers() -> None:
    """Kill every process of this pid namespace but bubblewrap's init (1) and us; empty /tmp and /dev/shm."""
    me = os.getpid()
    for _ in range(20):
        others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _reap()
        time.sleep(0.05)
    for folder in ("/tmp", "/dev/shm"):
        _empty(Path(folder), keep=Path.cwd())  # the worker's folder (our cwd) may be bound under /tmp


def _empty(folder: Path, keep: Path) -> None:
    """Remove everything in `folder` but `keep` (and the folders leading to it)."""
    for entry in folder.iterdir() if folder.is_dir() else []:
        if entry == keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            if keep.is_relative_to(entry):
                _empty(entry, keep)
            else:
                shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _run_kernel(request: dict) -> None:
    """In the forked child: become the kernel the request asks for (never returns)."""
    try:
        os.setsid()
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        null = os.open(os.devnull, os.O_RDWR)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(log, 2)
        from ipykernel.kernelapp import launch_new_instance

        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
        launch_new_instance()
        os._exit(0)
    except SystemExit as done:
        os._exit(done.code if isinstance(done.code, int) else 1)
    except BaseException:
        os._exit(70)


def _send(conn: socket.socket, message: dict) -> None:
    try:
        conn.sendall((json.dumps(message) + "\n").encode())
    except OSError:
        pass


def _serve_one(conn: socket.socket, listener: socket.socket) -> None:
    """One client: a ping, or a kernel to fork and watch until it or the client ends."""
    conn.settimeout(10)
    try:
        line = conn.makefile("r").readline()
        request = json.loads(line)
    except (OSError, ValueError):
        return
    if request.get("ping"):
        _send(conn, {"pong": True})
        return
    _kill_leftovers()
    pid = os.fork()
    if pid == 0:
        conn.close()
        listener.close()  # kernels never see the zygote's socket
        _run_kernel(request)
    _send(conn, {"pid": pid})
    conn.setblocking(False)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
            return
        readable, _, _ = select.select([conn], [], [], 0.2)
        if readable:
            try:
                data = conn.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:  # the client is gone: so is its kernel
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            for line in data.decode(errors="replace").splitlines():
                try:
                    os.kill(pid, int(json.loads(line).get("signal", 0)) or 0)
                except (ValueError, ProcessLookupError, AttributeError):
                    pass


def serve(fd: int, preload: list[str]) -> int:
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    import importlib

    # Importing TensorFlow imports matplotlib, which picks its backend then, once: pick the one an
    # ipykernel kernel sets for itself (its inline figures), or graded notebooks would show no figure.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in preload:
        importlib.import_module(name)
    listener = socket.socket(fileno=fd)
    listener.settimeout(IDLE_SECONDS)
    print("ready", flush=True)
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            return 0
        with conn:
            conn.settimeout(None)
            _serve_one(conn, listener)
        _reap()


# ---------------------------------------------------------------- outside: the kernel manager's "kernel"

def connect(socket_path: str, connection_file: str) -> int:
    """Ask the zygote for a kernel; live as long as it does; pass interrupts on."""
    conn = socket.socket(socket.AF_UNIX)
    try:
        conn.connect(socket_path)
    except OSError as err:
        print(f"no warm-kernel server at {socket_path}: {err}", file=sys.stderr)
        return 75
    env = {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}  # the kernel's parent is the zygote
    request = {"env": env, "cwd": os.getcwd(), "connection_file": os.path.abspath(connection_file),
               "log": os.path.join(os.getcwd(), "kernel.log")}
    conn.sendall((json.dumps(request) + "\n").encode())
    conn.settimeout(20)  # a zygote that does not answer (stopped by a kernel?): fail fast, the runner goes cold
    replies = conn.makefile("r")
    try:
        if "pid" not in json.loads(replies.readline() or "{}"):
            return 75
    except (OSError, ValueError):
        return 75
    conn.settimeout(None)
    signal.signal(signal.SIGINT, lambda *_: conn.sendall(b'{"signal": 2}\n'))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(1))  # closing our end makes the zygote kill the kernel
    for line in replies:
        message = json.loads(line)
        if "exit" in message:
            return int(message["exit"]) & 0xFF
    return 1


# ---------------------------------------------------------------- the worker's side

class WarmServer:
    """One worker's zygote: `python -m course.warm serve` inside the sandbox command `sandbox`."""

    def __init__(self, folder: Path, sandbox: list[str], env: dict[str, str], groups: dict[str, Path], memory_bytes: int):
        self.folder, self.groups = folder, groups
        self.socket_path = str(folder.parent / f"{folder.name}.sock")  # outside the folder the sandbox sees
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(self.socket_path)
        listener.listen(4)
        command = [*sandbox, sys.executable, "-m", "course.warm", "serve", str(listener.fileno()), *PRELOAD]
        self.process = subprocess.Popen(command, env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        pass_fds=(listener.fileno(),))
        listener.close()
        ready = self.process.stdout.readline()
        if b"ready" not in ready:
            self.close()
            raise RuntimeError("the warm-kernel server did not start")
        memory = groups.get("memory")
        if memory is not None:  # each kernel may use `memory_bytes` beyond what the zygote holds
            from course.runner import memory_limits, write_settings

            try:
                write_settings(memory, memory_limits(int((memory / "memory.usage_in_bytes").read_text()) + memory_bytes))
            except (OSError, ValueError):
                pass
        with _lock:
            _all.append(self)

    def alive(self) -> bool:
        if self.process.poll() is not None:
            return False
        try:
            with socket.socket(socket.AF_UNIX) as conn:
                conn.settimeout(5)
                conn.connect(self.socket_path)
                conn.sendall(b'{"ping": true}\n')
                return b"pong" in conn.recv(100)
        except OSError:
            return False

    def close(self) -> None:
        from course.runner import remove_cgroups

        self.process.kill()
        self.process.wait()
        Path(self.socket_path).unlink(missing_ok=True)
        remove_cgroups(self.groups)  # kills what is left in the sandbox, kernels included, and removes the groups
        with _lock:
            if self in _all:
                _all.remove(self)


_servers = threading.local()
_all: list[WarmServer] = []
_lock = threading.Lock()


def server_for(key: str, start) -> WarmServer:
    """This thread's warm server for `key` (a run's sandbox settings), from `start()` when missing or unresponsive."""
    current = getattr(_servers, "server", None)
    if current is not None and (getattr(_servers, "key", None) != key or not current.alive()):
        current.close()
        current = None
    if current is None:
        current = start()
        _servers.server, _servers.key = current, key
    return current


def close_all(under: Path | None = None) -> None:
    """Stop the warm servers this process started, or only those of one run (folders inside `under`).

    Two classes graded at once by one process each stop only their own servers.
    """
    for server in list(_all):
        if under is None or server.folder.is_relative_to(under):
            server.close()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        sys.exit(serve(int(sys.argv[2]), sys.argv[3:]))
    sys.exit(connect(sys.argv[2], sys.argv[3]))
