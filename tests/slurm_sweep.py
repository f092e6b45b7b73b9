#!/usr/bin/env python3
"""Slurm for real (issue 18): scripts/slurm/submit_sweep.sh runs a sweep as
a job array on a real single-node Slurm (Debian's slurm-wlm: slurmctld and
slurmd started here with a minimal configuration in WORKDIR, munge for
authentication). A 4-case LEFM sweep (2 defect sizes x 2 materials) as 2
array tasks of 2 cases on 2 MPI ranks each, then the gather job:
- each array task computes exactly its cases (Study/Cases), the gather job
  skips all 4 and writes study.csv;
- study.csv equals (Y, K_I, sigma0_max to 1e-8) the same sweep run directly
  with mpirun;
- submitting again skips every case (resume);
- a file that is not a sweep is refused before anything is submitted;
- a phase-field sweep (the 2D growth run as one case): SIGUSR1 to the
  array task's batch shell (scancel --signal=USR1 --batch; sweep_task.sh
  execs mpirun, which forwards it to the ranks) after step 2 stops the
  case `interrupted` with a checkpoint, and the gather job continues it
  from that checkpoint to End time (every step once).
Usage: slurm_sweep.py LIPEN WORKDIR SOURCE_DIR
"""
import csv
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from lipen_test_util import Checker, run_lipen, set_args

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
chk = Checker()
submit = os.path.join(source, "scripts", "slurm", "submit_sweep.sh")
slit = os.path.join(source, "parameter_files", "single_edge_slit.prm")
sweep = set_args({
    "Study/Type": "sweep",
    "Study/Vary": "Geometry/Defect size = 1e-5, 2e-5; "
                  "Material/Electrolyte = lps_glass, llzo"})

# --- a single-node Slurm in WORKDIR --------------------------------------
host = socket.gethostname().split(".")[0]
node = subprocess.run(["slurmd", "-C"], capture_output=True,
                      text=True).stdout.splitlines()[0]
node = " ".join(w for w in node.split() if not w.startswith("RealMemory"))


def free_port():
    s = socket.socket()
    s.bind(("", 0))
    port = s.getsockname()[1]
    s.close()
    return port


conf = os.path.join(work, "slurm.conf")
state = os.path.join(work, "state")
spool = os.path.join(work, "spool")
os.makedirs(state)
os.makedirs(spool)
with open(conf, "w") as f:
    f.write("""ClusterName=lipentest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation={state}
SlurmdSpoolDir={spool}
SlurmctldPidFile={work}/slurmctld.pid
SlurmdPidFile={work}/slurmd.pid
SlurmctldPort={p1}
SlurmdPort={p2}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldLogFile={work}/slurmctld.log
SlurmdLogFile={work}/slurmd.log
{node} State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
""".format(host=host, state=state, spool=spool, work=work, p1=free_port(),
           p2=free_port(), node=node))
env = dict(os.environ, SLURM_CONF=conf)


def daemon_pid(name):
    try:
        with open(os.path.join(work, name + ".pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def stop():
    subprocess.run(["scancel", "--user=root"], env=env, check=False,
                   capture_output=True)
    for name in ["slurmd", "slurmctld"]:
        pid = daemon_pid(name)
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    # then whatever is left of them (slurmscriptd, a slow shutdown)
    for _ in range(20):
        if subprocess.run(["pgrep", "-f", conf],
                          capture_output=True).returncode != 0:
            break
        time.sleep(0.5)
    subprocess.run(["pkill", "-9", "-f", conf], check=False)


def wait_for_jobs(limit):
    start = time.time()
    while time.time() - start < limit:
        q = subprocess.run(["squeue", "-h"], env=env, capture_output=True,
                           text=True)
        if q.returncode == 0 and not q.stdout.strip():
            return True
        time.sleep(1)
    return False


try:
    # munge: the Debian package creates the key; start the daemon if need be
    if subprocess.run(["pgrep", "-x", "munged"],
                      capture_output=True).returncode != 0:
        os.makedirs("/run/munge", exist_ok=True)
        shutil.chown("/run/munge", "munge", "munge")
        subprocess.run(["runuser", "-u", "munge", "--", "munged"], check=False)
    for daemon in ["slurmctld", "slurmd"]:
        subprocess.run([daemon, "-f", conf], env=env, check=False)
    up = False
    for _ in range(60):
        info = subprocess.run(["sinfo", "-h", "-o", "%T"], env=env,
                              capture_output=True, text=True)
        if info.stdout.strip() == "idle":
            up = True
            break
        time.sleep(0.5)
    logs = ""
    for log in ["slurmctld.log", "slurmd.log"]:
        path = os.path.join(work, log)
        if os.path.isfile(path):
            logs += open(path).read()[-600:]
    chk.check(up, "slurmctld and slurmd up, node idle%s" %
              ("" if up else ": " + logs))
    if not up:
        chk.finish()

    # the same sweep directly, for comparison
    direct = os.path.join(work, "direct")
    status, *_ = run_lipen(lipen, 2, [slit] + sweep, outdir=direct)
    chk.check(status == 0, "the sweep run directly with mpirun")

    out_dir = os.path.join(work, "study")
    jobs = os.path.join(work, "jobs")
    os.makedirs(jobs)

    def submit_sweep():
        return subprocess.run(
            [submit, slit, "--lipen", lipen, "--ranks", "2", "--chunk", "2"]
            + sweep + ["--set", "Output/Directory=" + out_dir],
            cwd=jobs, env=env, capture_output=True, text=True, timeout=120)

    s = submit_sweep()
    chk.check(s.returncode == 0 and "2 array tasks" in s.stdout,
              "submit_sweep.sh submits 2 array tasks and a gather job: %s" %
              (s.stdout + s.stderr).strip())
    chk.check(wait_for_jobs(300), "the jobs end within 300 s")

    def log(pattern):
        texts = []
        for path in sorted(glob.glob(os.path.join(jobs, pattern))):
            with open(path) as f:
                texts.append(f.read())
        return texts

    tasks = log("lipen-sweep-*.out")
    chk.check(len(tasks) == 2 and
              "Study/Cases = 0-1): 2 of 4 cases, 0 skipped" in tasks[0] and
              "Study/Cases = 2-3): 2 of 4 cases, 0 skipped" in tasks[1] and
              "2 MPI rank(s)" in tasks[0],
              "each array task computed its 2 cases on 2 ranks: %s" %
              [t.strip().splitlines()[-2:] for t in tasks])
    gather = log("lipen-gather-*.out")
    chk.check(len(gather) == 1 and "4 of 4 cases, 4 skipped" in gather[0]
              and "status completed" in gather[0],
              "the gather job skipped the 4 finished cases and completed")

    def rows(directory):
        with open(os.path.join(directory, "study.csv")) as f:
            return list(csv.DictReader(l for l in f if not l.startswith("#")))

    ours, theirs = rows(out_dir), rows(direct)
    same = len(ours) == len(theirs) == 4 and all(
        a["status"] == "completed" and all(
            abs(float(a[k]) - float(b[k])) <= 1e-8 * abs(float(b[k]))
            for k in ["Y", "K_I_Pa_sqrt_m", "sigma0_max_Pa"])
        for a, b in zip(ours, theirs))
    chk.check(same, "study.csv from Slurm equals the direct run's (4 rows, "
              "Y, K_I, sigma0_max to 1e-8)")

    # resume: everything is skipped
    for path in glob.glob(os.path.join(jobs, "*.out")):
        os.remove(path)
    s = submit_sweep()
    chk.check(s.returncode == 0 and wait_for_jobs(300),
              "resubmitted sweep ends")
    tasks = log("lipen-sweep-*.out")
    chk.check(len(tasks) == 2 and all("2 skipped" in t for t in tasks),
              "resubmitted: every array task skips its finished cases")

    # a phase-field case stopped by a signal from Slurm: SIGUSR1 to the
    # batch shell, which sweep_task.sh has replaced by mpirun (what
    # submit_sweep.sh's default --signal=B:USR1@300 sends before the time
    # limit); mpirun forwards it to the ranks, the case checkpoints and
    # ends interrupted, and the gather job continues it from there
    growth = os.path.join(source, "tests", "penetration", "growth_2d.prm")
    pf_out = os.path.join(work, "pf_study")
    for path in glob.glob(os.path.join(jobs, "*.out")):
        os.remove(path)
    s = subprocess.run(
        [submit, growth, "--lipen", lipen, "--ranks", "2"] +
        set_args({"Study/Type": "sweep", "Study/Model": "phase field",
                  "Study/Vary": "Electrochemistry/Applied current density "
                                "= 10",
                  "Output/Directory": pf_out}),
        cwd=jobs, env=env, capture_output=True, text=True, timeout=120)
    array = s.stdout.split("array job ")[-1].split(",")[0].strip()
    chk.check(s.returncode == 0 and array.isdigit(),
              "phase-field sweep submitted: %s" % (s.stdout + s.stderr))
    case_stats = os.path.join(pf_out, "case-000", "statistics.csv")
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            with open(case_stats) as f:
                if sum(1 for l in f if l[:1].isdigit()) >= 3:
                    break
        except OSError:
            pass
        time.sleep(0.3)
    sig = subprocess.run(["scancel", "--signal=USR1", "--batch", array],
                         env=env, capture_output=True, text=True)
    chk.check(sig.returncode == 0, "scancel --signal=USR1 --batch %s: %s" %
              (array, sig.stderr.strip()))
    chk.check(wait_for_jobs(600), "the phase-field sweep's jobs end")
    task = "\n".join(log("lipen-sweep-*.out"))
    gather = "\n".join(log("lipen-gather-*.out"))
    summary = {}
    path = os.path.join(pf_out, "case-000", "summary.json")
    if os.path.exists(path):
        with open(path) as f:
            summary = json.load(f)
    with open(case_stats) as f:
        lines = [l.split(",") for l in f if l[:1].isdigit()]
    steps = [int(l[0]) for l in lines]
    t_end = float(lines[-1][1]) if lines else 0.
    print("phase-field sweep: task log tail %s; gather log tail %s; case "
          "status %s, restarted_from %s, steps %s" %
          (task.strip().splitlines()[-3:], gather.strip().splitlines()[-3:],
           summary.get("status"), summary.get("restarted_from"), steps))
    chk.check("interrupted" in task,
              "the array task's case ended interrupted on SIGUSR1")
    chk.check(summary.get("status") == "completed" and
              "checkpoints/step-" in str(summary.get("restarted_from")) and
              steps == list(range(len(steps))) and t_end == 50,
              "the gather job continued the case from its checkpoint to the "
              "end (status completed, restarted_from a checkpoint, every "
              "step once, t = 50 s at the end)")

    # not a sweep: refused before submitting
    s = subprocess.run([submit, slit, "--lipen", lipen], cwd=jobs, env=env,
                       capture_output=True, text=True, timeout=60)
    q = subprocess.run(["squeue", "-h"], env=env, capture_output=True,
                       text=True)
    chk.check(s.returncode == 2 and "not a sweep" in s.stderr and
              not q.stdout.strip(),
              "a file that is not a sweep is refused before submission: %s" %
              s.stderr.strip())
finally:
    stop()
chk.finish()
