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
 * and the descendants it waited for. One script at a time; it exits when its input closes.
 */
export const LAUNCHER_PROGRAM = String.raw`
import errno, json, os, signal, sys

def reply(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()

def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:  # real-time signals other than SIGRTMIN and SIGRTMAX have no name
        return "SIG%d" % number

def main():
    base = dict(os.environ)
    # Python ignores these; posix_spawn would pass the ignoring on to scripts (a pipeline's writer would then
    # see EPIPE instead of dying quietly), so scripts get the defaults back, as from a shell.
    defaults = {signal.SIGPIPE, signal.SIGXFSZ}
    reply(ready=True)
    # Bytes, decoded as JSON's UTF-8 whatever the locale says.
    for line in sys.stdin.buffer:
        request = json.loads(line)
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
        _, status, usage = os.wait4(pid, 0)
        cputime = usage.ru_utime + usage.ru_stime
        if os.WIFSIGNALED(status):
            reply(signal=signal_name(os.WTERMSIG(status)), cputime=cputime)
        else:
            reply(exit=os.WEXITSTATUS(status), cputime=cputime)

main()
`;
