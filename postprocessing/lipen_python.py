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
