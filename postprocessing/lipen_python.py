"""Shared helper of lipen's postprocessing scripts."""
import os
import sys


def reexec_with_system_python(err):
    """The Debian packages (python3-numpy, -matplotlib, -vtk9) live in
    /usr/bin/python3's dist-packages; if another python3 (pyenv, venv) runs
    the calling script and an import failed, restart it once under the
    system interpreter, else report `err` and exit 1."""
    system = "/usr/bin/python3"
    if (os.environ.get("LIPEN_PY_REEXEC") != "1" and os.path.exists(system)
            and os.path.realpath(sys.executable) != os.path.realpath(system)):
        os.environ["LIPEN_PY_REEXEC"] = "1"
        os.execv(system, [system] + sys.argv)
    print(f"{os.path.basename(sys.argv[0])}: error: {err}", file=sys.stderr)
    sys.exit(1)


def run_label(directory):
    """One line naming the run that wrote `directory`, from the header of
    its summary.json (program, version, git revision, ranks, study,
    status), for a figure's footnote; '' if there is none."""
    import json
    try:
        with open(os.path.join(directory, "summary.json")) as f:
            s = json.load(f)
    except (OSError, ValueError):
        return ""
    parts = [f"{s.get('program', 'lipen')} {s.get('version', '?')}"
             f" (git {s.get('git_revision', '?')})",
             f"{s.get('mpi_ranks', '?')} rank(s)",
             f"study {s.get('study', '?')}",
             f"status {s.get('status', '?')}"]
    return ", ".join(parts)


def read_rows(path):
    """The rows of a lipen CSV file (comment lines starting with '#'
    dropped) as dicts; on a file that cannot be read, a one-line message
    naming the calling script and the path, and exit status 2."""
    import csv
    try:
        with open(path) as f:
            return list(csv.DictReader(l for l in f if not l.startswith("#")))
    except OSError as e:
        print(f"{os.path.basename(sys.argv[0])}: error: cannot read {path}: "
              f"{e.strerror}", file=sys.stderr)
        sys.exit(2)
