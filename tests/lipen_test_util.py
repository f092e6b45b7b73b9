"""Shared helpers of lipen's script tests: run lipen under mpirun and read
its summary."""
import json
import os
import subprocess


def mpirun_command(ranks):
    """mpirun with `ranks` ranks, as root and oversubscribed if need be."""
    cmd = ["mpirun", "-np", str(ranks), "--oversubscribe"]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    return cmd


def run_lipen(lipen, ranks, args, outdir=None, timeout=1200, env=None):
    """Run lipen on `ranks` MPI ranks; return (status, stdout, stderr,
    summary or None). `outdir` sets Output/Directory; `env` adds
    environment variables."""
    cmd = mpirun_command(ranks) + [lipen] + list(args)
    if outdir is not None:
        cmd += ["--set", "Output/Directory=" + outdir]
    run_env = None
    if env:
        run_env = dict(os.environ, **env)
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                         env=run_env)
    summary = None
    if outdir is not None and run.returncode == 0:
        with open(os.path.join(outdir, "summary.json")) as f:
            summary = json.load(f)
    return run.returncode, run.stdout, run.stderr, summary




def set_args(entries):
    """['--set', 'S/E=v', ...] from a dict."""
    args = []
    for key, value in entries.items():
        args += ["--set", "%s=%s" % (key, value)]
    return args


class Checker:
    """Collects named checks, prints each, exits non-zero if any failed."""

    def __init__(self):
        self.failed = 0

    def check(self, ok, what):
        print(("PASS  " if ok else "FAIL  ") + what, flush=True)
        self.failed += not ok

    def finish(self):
        print("%d check(s) failed" % self.failed if self.failed else
              "all checks passed")
        raise SystemExit(1 if self.failed else 0)
