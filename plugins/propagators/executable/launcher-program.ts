/**
 * The small Python program that starts run scripts for the executable propagator (see script-launcher.ts for
 * why it exists). Kept as a string and run with `python3 -c` so that it needs no file beside the compiled
 * JavaScript. Python rather than Node because its os.posix_spawn is glibc's (vfork-based: the cost of starting a
 * script does not grow with the launcher's memory) and it gives each child's rusage (os.wait4); Python >= 3.8
 * is on every machine WESTPA runs on.
 *
 * Protocol: JSON, one object per line. It first writes {"ready": true}. Then, per line read,
 * {"file", "cwd", "env", "log"} (env: variables added to the launcher's own environment), it writes
 * {"pid": n} once the script runs, or {"error": "ENOENT"} (an errno name) if it could not start, then, when the
 * script has ended, {"exit": code} or {"signal": "SIGTERM"}, with "cputime": user + system seconds of the script
 * and the descendants it waited for. One script at a time. When its input closes (the engine closed it, exited
 * or was killed) it kills the process group of a script still running, so that no orphan goes on writing into
 * a segment that a resumed run will redo, and exits.
 */
export const LAUNCHER_PROGRAM = String.raw`
import errno, json, os, select, signal, sys, time

KILL_GRACE = 2.0  # seconds between SIGTERM and SIGKILL, as the engine's own (child-process-group.ts)

def reply(**fields):
    try:
        sys.stdout.write(json.dumps(fields) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the engine is gone; there is no one left to tell
        os._exit(0)

def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:  # real-time signals other than SIGRTMIN and SIGRTMAX have no name
        return "SIG%d" % number

class Requests:
    """The engine's lines, read as bytes (JSON is UTF-8 whatever the locale) without blocking a wait."""

    def __init__(self):
        self.fd = sys.stdin.fileno()
        self.buffer = b""
        self.closed = False

    def read_some(self):
        data = os.read(self.fd, 65536)
        self.buffer += data
        self.closed = not data

    def next(self):
        while b"\n" not in self.buffer:
            if self.closed:
                return None
            self.read_some()
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

def kill_group(pid):
    """SIGTERM to the script's process group, SIGKILL after the grace; the script's (status, rusage)."""
    for sig, grace in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, None)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        deadline = None if grace is None else time.monotonic() + grace
        while deadline is None or time.monotonic() < deadline:
            done, status, usage = os.wait4(pid, 0 if deadline is None else os.WNOHANG)
            if done:
                return status, usage
            time.sleep(0.05)

def wait_for(pid, requests, wakeup):
    """The script's (status, rusage); if the engine closes its end first, the script is killed."""
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if requests.closed:
            return kill_group(pid)
        # SIGCHLD writes to wakeup, so a script ending between wait4 and select still wakes this up.
        readable, _, _ = select.select([requests.fd, wakeup], [], [])
        if wakeup in readable:
            os.read(wakeup, 512)
        if requests.fd in readable:
            requests.read_some()

def main():
    if sys.version_info < (3, 8):  # posix_spawn's setpgroup and setsigdef
        sys.exit("the script launcher needs Python >= 3.8, found " + sys.version.split()[0])
    base = dict(os.environ)
    # Python ignores these; posix_spawn would pass the ignoring on to scripts (a pipeline's writer would then
    # see EPIPE instead of dying quietly), so scripts get the defaults back, as from a shell.
    defaults = {signal.SIGPIPE, signal.SIGXFSZ}
    wakeup, wakeup_write = os.pipe()
    os.set_blocking(wakeup, False)
    os.set_blocking(wakeup_write, False)
    signal.set_wakeup_fd(wakeup_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    requests = Requests()
    reply(ready=True)
    while True:
        request = requests.next()
        if request is None:
            return
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ]
        try:
            os.chdir(request["cwd"])
            pid = os.posix_spawn(request["file"], [request["file"]], {**base, **request["env"]},
                                 file_actions=actions, setpgroup=0, setsigdef=defaults)
        except OSError as error:
            reply(error=errno.errorcode.get(error.errno, "spawn failed"))
            continue
        reply(pid=pid)
        status, usage = wait_for(pid, requests, wakeup)
        cputime = usage.ru_utime + usage.ru_stime
        if os.WIFSIGNALED(status):
            reply(signal=signal_name(os.WTERMSIG(status)), cputime=cputime)
        else:
            reply(exit=os.WEXITSTATUS(status), cputime=cputime)

main()
`;
