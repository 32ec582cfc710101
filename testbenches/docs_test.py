#!/usr/bin/env python3
"""The docs test: every command in a markdown file's fenced shell blocks runs as written.

Usage: docs_test.py --source SOURCE_DIR --build BUILD_DIR [--budget SECONDS] [--list] DOC.md...

Conventions the docs follow (and this test enforces):
- Every fenced block names its language. ```sh blocks hold commands; ```console blocks hold
  `$ command` lines, each followed by the output the command prints on stdout; anything else
  (```text, ```json, ...) is not run.
- A command may span lines with a trailing backslash. A command whose trailing comment starts
  with `long` (`make demo   # long: installs and builds`) is not run: the test lists it as
  skipped, so it is never dropped silently.
- In ```console output, a line `...` stands for any number of lines and `...` within a line for
  any text (a time, a path); trailing spaces and trailing blank lines do not count. Everything
  else must match what the command prints.
- Markdown that a command generates (a results table) sits between `<!-- output of: COMMAND -->`
  and `<!-- end of output -->`: the command runs and must print those lines, compared the same way.

Each document runs in a fresh folder of its own holding links to the source tree's files (so
outputs such as out/ or thr.json land there, not in the source tree), with the project installed
by `cmake --install` into a temporary prefix whose bin/ is first on PATH: `proact` is the command
a user gets from `make install`. Commands run in order with bash (`set -eo pipefail`), each
within the time budget; a non-zero exit, a time-out or an output difference fails the test.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SHELL_LANGUAGES = {"sh", "bash", "shell"}
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([^\s`]*)")
GENERATED = re.compile(r"^<!-- output of: (.*) -->$")
GENERATED_END = "<!-- end of output -->"


class Command:
    def __init__(self, doc, line, text, expected=None):
        self.doc, self.line, self.text = doc, line, text
        self.expected = expected  # list of output lines for console blocks, None for sh blocks

    @property
    def where(self):
        return f"{self.doc}:{self.line}"

    def is_long(self):
        comment = trailing_comment(self.text)
        return comment is not None and re.match(r"long\b", comment.strip()) is not None


def trailing_comment(command):
    """The text after the last unquoted `#` that starts a comment (None if there is none)."""
    quote = None
    for i, c in enumerate(command):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or command[i - 1].isspace()):
            return command[i + 1:]
    return None


def blocks(path):
    """Yields (language, first content line number, lines) for every fenced block of `path`."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, language, start = m.group(2), m.group(3), i + 1
        i += 1
        body = []
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise SystemExit(f"{path}:{start}: fenced block is never closed")
        i += 1
        yield language, start + 1, body


def join_continuations(lines, first_line):
    """(line number, logical line) pairs, joining lines that end in a backslash."""
    joined, text, start = [], None, None
    for n, line in enumerate(lines, first_line):
        if text is None:
            text, start = line, n
        else:
            text += "\n" + line
        if not line.rstrip().endswith("\\"):
            joined.append((start, text))
            text = None
    if text is not None:
        joined.append((start, text))
    return joined


def generated_sections(doc, path):
    """Commands whose output the document holds as markdown between the two comment markers."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found, problems, current = [], [], None
    for n, line in enumerate(lines, 1):
        m = GENERATED.match(line.strip())
        if m:
            current = Command(doc, n, m.group(1), [])
            found.append(current)
        elif line.strip() == GENERATED_END:
            if current is None:
                problems.append(f"{doc}:{n}: {GENERATED_END} without an opening <!-- output of: ... -->")
            current = None
        elif current is not None:
            current.expected.append(line)
    if current is not None:
        problems.append(f"{doc}:{current.line}: <!-- output of: ... --> is never closed by {GENERATED_END}")
    return found, problems


def commands(doc, path):
    found, problems = generated_sections(doc, path)
    for language, first, body in blocks(path):
        if not language:
            problems.append(f"{doc}:{first - 1}: fenced block without a language (sh for commands, console for "
                            "commands with their output, text for anything else)")
        elif language in SHELL_LANGUAGES:
            for n, text in join_continuations(body, first):
                if text.strip() and not text.strip().startswith("#"):
                    found.append(Command(doc, n, text))
        elif language == "console":
            current = None
            for n, text in join_continuations(body, first):
                if text.startswith("$ "):
                    current = Command(doc, n, text[2:], [])
                    found.append(current)
                elif current is None:
                    if text.strip():
                        problems.append(f"{doc}:{n}: console block output before any `$ command` line")
                else:
                    current.expected.extend(text.split("\n"))
    return sorted(found, key=lambda c: c.line), problems


def line_matches(expected, actual):
    if "..." not in expected:
        return expected == actual
    return re.fullmatch(".*".join(re.escape(part) for part in expected.split("...")), actual) is not None


def matches(expected, actual):
    """Line lists equal, where an expected `...` line matches any run of actual lines and `...`
    within a line any text."""
    def trim(lines):
        lines = [l.rstrip() for l in lines]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    expected, actual = trim(expected), trim(actual)
    memo = {}

    def match(e, a):
        if (e, a) not in memo:
            if e == len(expected):
                memo[(e, a)] = a == len(actual)
            elif expected[e] == "...":
                memo[(e, a)] = any(match(e + 1, k) for k in range(a, len(actual) + 1))
            else:
                memo[(e, a)] = a < len(actual) and line_matches(expected[e], actual[a]) and match(e + 1, a + 1)
        return memo[(e, a)]

    return match(0, 0)


def difference(expected, actual):
    import difflib
    return "\n".join(difflib.unified_diff(expected, [l.rstrip() for l in actual], "documented", "printed",
                                          lineterm="", n=2))


def workspace(source, root):
    """A fresh folder with links to the source tree's top-level entries (not build outputs); its
    traces/ is a folder of its own holding links to the golden traces, so runs can write there."""
    os.makedirs(root)
    for name in sorted(os.listdir(source)):
        if name in {".git", "build", "out", "traces"} or name.startswith("build"):
            continue
        os.symlink(os.path.join(source, name), os.path.join(root, name))
    os.makedirs(os.path.join(root, "traces"))
    golden = os.path.join(source, "traces")
    for name in sorted(os.listdir(golden)) if os.path.isdir(golden) else []:
        if name.endswith(".trace.gz"):
            os.symlink(os.path.join(golden, name), os.path.join(root, "traces", name))
    return root


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--budget", type=float, default=300, help="seconds per command")
    parser.add_argument("--list", action="store_true", help="list the commands, run nothing")
    parser.add_argument("docs", nargs="+", help="markdown files, relative to --source")
    args = parser.parse_args()
    source = os.path.abspath(args.source)

    all_commands, problems = [], []
    for doc in args.docs:
        found, found_problems = commands(doc, os.path.join(source, doc))
        all_commands += found
        problems += found_problems
    if args.list:
        for c in all_commands:
            print(f"{'long' if c.is_long() else 'run ':4} {c.where}  {c.text.splitlines()[0]}")
        return 0

    scratch = tempfile.mkdtemp(prefix="proact-docs-")
    try:
        prefix = os.path.join(scratch, "prefix")
        install = subprocess.run(["cmake", "--install", os.path.abspath(args.build), "--prefix", prefix],
                                 capture_output=True, text=True)
        if install.returncode != 0:
            print(f"cmake --install failed:\n{install.stdout}{install.stderr}")
            return 1
        env = dict(os.environ)
        # The installed proact first, then the system's own tools (Debian's python3 with its packages,
        # as on a fresh machine, ahead of any interpreter a user's environment may put first).
        env["PATH"] = os.pathsep.join([os.path.join(prefix, "bin"), "/usr/bin", "/bin", env.get("PATH", "")])
        # What a root user adds for mpirun (the docs say so); harmless for others.
        env.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMP_WAIT_POLICY": "passive"})
        env.pop("PROACT_ZOO_DIR", None)

        failures, skipped, ran = list(problems), [], 0
        workdirs = {}
        for c in all_commands:
            if c.is_long():
                skipped.append(c)
                continue
            if c.doc not in workdirs:
                workdirs[c.doc] = workspace(source, os.path.join(scratch, "work", str(len(workdirs))))
            start = time.monotonic()
            try:
                run = subprocess.run(["bash", "-c", "set -eo pipefail\n" + c.text], cwd=workdirs[c.doc], env=env,
                                     capture_output=True, text=True, timeout=args.budget, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                failures.append(f"{c.where}: over the {args.budget:.0f} s budget: {c.text}")
                print(f"TIMEOUT {c.where}", flush=True)
                continue
            seconds = time.monotonic() - start
            ran += 1
            if run.returncode != 0:
                tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-8:])
                failures.append(f"{c.where}: exit {run.returncode}: {c.text}\n{tail}")
                print(f"FAIL    {c.where} ({seconds:.1f} s)", flush=True)
            elif c.expected is not None and c.expected and not matches(c.expected, run.stdout.split("\n")):
                failures.append(f"{c.where}: prints something else than the doc shows: {c.text}\n"
                                f"{difference(c.expected, run.stdout.split(chr(10)))}")
                print(f"DIFF    {c.where} ({seconds:.1f} s)", flush=True)
            else:
                print(f"ok      {c.where} ({seconds:.1f} s)  {c.text.splitlines()[0][:90]}", flush=True)
        for c in skipped:
            print(f"skipped {c.where} (marked long)  {c.text.splitlines()[0][:90]}")
        for f in failures:
            print(f"\n{f}")
        print(f"\ndocs: {ran} commands ran, {len(skipped)} long ones skipped, {len(failures)} problems")
        return 1 if failures else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
