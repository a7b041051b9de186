#!/usr/bin/env python3
"""Runs a command in a real pseudo-terminal of a given size, for the CLI's terminal tests.

Usage: pty-run.py COLUMNS ROWS [--on TEXT --send KEYS | --on TEXT --resize COLS] ... -- COMMAND...
Everything the command writes to the terminal is copied to stdout, byte for byte. When TEXT first
appears in the output, KEYS (e.g. \\x03 for Ctrl-C) are typed, or the terminal is resized to COLS.
The last line printed is "[pty-exit N]" with the command's exit status (128+signal if killed).
Bounded: the command is killed after PTY_TIMEOUT seconds (default 60).
"""
import fcntl, os, pty, select, signal, struct, sys, termios, time

def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))

def main():
    args = sys.argv[1:]
    cols, rows = int(args[0]), int(args[1])
    actions, i = [], 2
    while args[i] != '--':
        if args[i] == '--on':
            trigger = args[i + 1].encode()
            kind, value = args[i + 2], args[i + 3]
            actions.append([trigger, kind, value, False])
            i += 4
        else:
            raise SystemExit(f'unknown option {args[i]}')
    command = args[i + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    set_size(fd, cols, rows)
    os.kill(pid, signal.SIGWINCH)
    deadline = time.time() + float(os.environ.get('PTY_TIMEOUT', '60'))
    seen = b''
    while True:
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b''
            if not data:
                break
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            seen += data
            for action in actions:
                if not action[3] and action[0] in seen:
                    action[3] = True
                    if action[1] == '--send':
                        os.write(fd, action[2].encode().decode('unicode_escape').encode())
                    elif action[1] == '--resize':
                        set_size(fd, int(action[2]), rows)
                        os.kill(pid, signal.SIGWINCH)
        else:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                # Drain what is left.
                try:
                    while True:
                        data = os.read(fd, 65536)
                        if not data:
                            break
                        sys.stdout.buffer.write(data)
                except OSError:
                    pass
                code = os.waitstatus_to_exitcode(status)
                print(f'\n[pty-exit {code if code >= 0 else 128 - code}]')
                return
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(f'\n[pty-exit {code if code >= 0 else 128 - code}]')

main()
