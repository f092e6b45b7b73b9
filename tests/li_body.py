#!/usr/bin/env python3
"""Connected Li bodies (issue 17; li_body.h): in a plating run only the
damage connected to the initial defect holds Li. The 10 um LPS edge slit of
tests/penetration/growth_2d.prm, plated at 10 A/m^2 for two steps of 0.4 s,
with a disc of pre-existing damage (Phase field/Initial damage, d = 1 for
r < 5 um, mirrored by the symmetry plane):
- isolated disc at (40, 60) um, 30 um from the slit: `detached_damage` is
  the whole-body area of d >= 1/2 outside the Li body, 2 pi (r' + 0.63 l)^2
  for the two discs (5 %): d = 1 at the nodes within r = 5 um, i.e. on
  average out to r' = r - h/2 (h = l/2), and the radial AT2 profile
  K0(s/l)/K0(r'/l) about them falls to 1/2 at 0.63 l; the ParaView fields hold
  no Li (li_fraction = 0, li_pressure = 0) where d = 1 in the disc, and Li
  (li_fraction = 1) in the slit's band; the crack compliance V/p is that of
  the run without the disc within 3 % (with every damaged cell taken as
  Li, as before the Li body, the discs are pressurised: V/p +158 %,
  detached 0, I_Li 6 x, and three of these checks fail); plated = crack
  volume (1 %);
- the same on 1 rank: p, V, I_Li and detached_damage equal those of 2
  ranks (1e-6 relative), so the flood fill's exchange between ranks gives
  the serial body;
- a disc that overlaps the slit (centre (0, 86) um): `detached_damage` = 0,
  the disc holds Li at the run's pressure (li_fraction = 1, li_pressure =
  p where d = 1 in it), and V/p exceeds the disc-free run's by > 20 % (a
  longer Li-filled crack).
- a pore reached by growth (r = 3 um at (0, 84) um, 3 um ahead of the
  slit's tip; Study/Type = penetration with adaptive steps of <= 4 s to
  t = 36 s): detached_damage stays > 0 (at least 90 % of the pore's
  pi (r - h/2 + 0.63 l)^2) until the tip meets the pore, then drops to 0 in
  the step in which the tip (penetration_depth_m) jumps across it from
  < 13 um to > 19 um (the pore spans 13-19 um below the electrode); in that
  step the pressure falls while plating goes on (the pore's volume takes Li)
  and the crack compliance V/p rises by > 20 %; plated = crack volume
  within 1 % at every step, the joining step included; the ParaView
  fields hold no Li at the pore's broken nodes in the step before and Li at
  the run's pressure in the last step.
- a second flaw at the Li electrode (the disc at (60, 100) um, cut by the
  electrode face): a second Li body with its own pressure and Li balance.
  `li_bodies` (the Li bodies at the electrode) is 2 at every step of this
  run and 1 at every step of the three others; no run has broken material
  at the electrode outside the bodies (detached_at_electrode = 0);
  li_bodies.csv has both bodies at every step; each body's Li volume
  equals its crack volume (1 %); Li plates into body 1 (I < 0) and
  pressurises it (p > 0), at a pressure other than the slit's (> 1 %);
  pressure_Pa in statistics.csv is body 0's; 1 and 2 ranks give both
  bodies' p and V to 1e-6.
- two bodies that merge: a pit of r = 5 um at (8, 100) um, 3 um beside
  the slit, plated as a penetration run (steps of 4 s to t = 20 s): two
  bodies at the start and one at the end; in the step after the last one
  with two bodies, body 0's Li volume and plated volume are the two
  bodies' of the step before plus its own plating in the step,
  dt (Omega/F)(-I_0) (1e-6), and every body's Li volume equals its crack
  volume (1 %) at every step.
- the tip is the defect's body's, the penetration depth the deepest
  body's: with the second flaw (r = 5 um, shallower than the slit) and with
  a pit of r = 14 um at (60, 100) um (deeper than the slit), tip_distance_m
  is the slit's (10 um +- 3 l) and penetration_depth_m 10 and 14 um
  (+- 3 l); li_bodies.csv's depth_m is each body's own (10 and 14 um),
  the larger one penetration_depth_m.
- the second flaw under a 5 MPa stack with a mouth conductance (G_m =
  1e-21): each body's extruded volume is the sum of dt G_m (p_k - p_s)
  (1e-6), negative (the electrode's Li creeps in below p_s), and its Li
  volume equals its crack volume (1e-3);
- the energy balance counts every body's p dV: second flaw within 1 %,
  merging bodies within 2 % of the work;
- a body that appears during the run: a pore of r = 3 um 1 um below the
  electrode at x = 20 um is empty damage at the start (1 body, detached >
  0) and a Li body at the end (2 bodies, detached 0); body 1 appears after
  the first step and stays, starts empty (its Li after its first step is
  its plating in that step, 1e-6), plates into itself (I < 0) at p > 0,
  and its Li volume equals its crack volume (1 %) at every step.
- bad input: an Initial damage that does not parse, that is infinite at a
  node, or that comes with a notch is refused naming the entry, exit 2.
Usage: li_body.py LIPEN WORKDIR SOURCE_DIR
"""
import csv
import math
import os
import sys
import xml.etree.ElementTree as ET

from lipen_test_util import (Checker, column, extrusion_error, run_lipen,
                             set_args)

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(source, "postprocessing"))
try:
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkIOXML import vtkXMLUnstructuredGridReader
except ImportError as e:
    from lipen_python import reexec_with_system_python
    reexec_with_system_python(e)
os.makedirs(work, exist_ok=True)
prm = os.path.join(source, "tests", "penetration", "growth_2d.prm")
chk = Checker()
r_disc, ell = 5e-6, 1e-6
short = {"Phase field/End time": 0.8, "Phase field/Time steps": 2}




def disc(x, y, r=r_disc):
    return "if((x-%g)^2+(y-%g)^2<%g,1,0)" % (x, y, r ** 2)


def run(name, entries, ranks=2, expect=0):
    out = os.path.join(work, name)
    status, stdout, stderr, summary = run_lipen(
        lipen, ranks, [prm] + set_args(dict(short, **entries)), out,
        timeout=600)
    chk.check(status == expect, "%s: exit status %d (expected %d) %s" %
              (name, status, expect, stderr.strip()[-300:]))
    if status != 0:
        return out, None, stderr
    with open(os.path.join(out, "statistics.csv")) as f:
        rows = list(csv.DictReader(l for l in f if not l.startswith("#")))
    return out, rows, stderr


def last_fields(out, index=-1):
    """Point arrays (x, y, damage, li_fraction, li_pressure) of the last
    (or the @p index-th) PVTU, over all pieces."""
    last = ET.parse(os.path.join(out, "solution.pvd")).getroot().findall(
        ".//DataSet")[index].get("file")
    pvtu = os.path.join(out, last)
    with open(pvtu) as f:
        pieces = [l.split('Source="')[1].split('"')[0] for l in f
                  if "<Piece" in l]
    nodes = []
    for piece in pieces:
        reader = vtkXMLUnstructuredGridReader()
        reader.SetFileName(os.path.join(os.path.dirname(pvtu), piece))
        reader.Update()
        grid = reader.GetOutput()
        xyz = vtk_to_numpy(grid.GetPoints().GetData())
        data = grid.GetPointData()
        arr = [vtk_to_numpy(data.GetArray(n)) for n in
               ("damage", "li_fraction", "li_pressure")]
        nodes += [(xyz[k][0], xyz[k][1], arr[0][k], arr[1][k], arr[2][k])
                  for k in range(len(xyz))]
    return nodes


def value(rows, key, row=-1):
    return float(rows[row][key])


def compliance(rows):
    return value(rows, "crack_volume") / value(rows, "pressure_Pa")


_, base, _ = run("no_disc", {})
iso_out, iso, _ = run("isolated", {"Phase field/Initial damage": disc(40e-6, 60e-6),
                                   "Output/Write solution": "true"})
_, iso1, _ = run("isolated_1rank",
                 {"Phase field/Initial damage": disc(40e-6, 60e-6)}, ranks=1)
con_out, con, _ = run("connected", {"Phase field/Initial damage": disc(0, 86e-6),
                                    "Output/Write solution": "true"})

if base and iso:
    area = 2 * math.pi * (r_disc - 0.25 * ell + 0.63 * ell) ** 2
    det = value(iso, "detached_damage")
    print("isolated disc: detached %.5g m^2 (expected %.5g), V/p %.6g "
          "(no disc %.6g), I_Li %.6g (no disc %.6g)" %
          (det, area, compliance(iso), compliance(base),
           value(iso, "li_current_A"), value(base, "li_current_A")))
    chk.check(abs(det / area - 1) < 0.05,
              "isolated disc: detached_damage = 2 pi (r - h/2 + 0.63 l)^2 within "
              "5 %% (%.3g %%)" % (100 * (det / area - 1)))
    chk.check(abs(compliance(iso) / compliance(base) - 1) < 0.03,
              "isolated disc: crack compliance V/p within 3 %% of the run "
              "without it (%.3g %%): the disc is not pressurised" %
              (100 * (compliance(iso) / compliance(base) - 1)))
    err = max(abs(float(r["plated_volume"]) / float(r["crack_volume"]) - 1)
              for r in iso[1:])
    chk.check(err < 0.01, "isolated disc: plated = crack volume within 1 %% "
              "(%.2g)" % err)
    nodes = last_fields(iso_out)
    p = value(iso, "pressure_Pa")
    in_disc = [n for n in nodes if n[2] >= 0.99 and
               math.hypot(n[0] - 40e-6, n[1] - 60e-6) < r_disc]
    in_band = [n for n in nodes if n[2] >= 0.99 and abs(n[0]) < 1e-6 and
               n[1] > 91e-6]
    chk.check(len(in_disc) > 10 and
              all(n[3] == 0 and n[4] == 0 for n in in_disc),
              "isolated disc: no Li and no Li pressure at its %d broken nodes"
              % len(in_disc))
    chk.check(len(in_band) > 5 and
              all(abs(n[3] - n[2] ** 2) < 1e-6 and
                  abs(n[4] / p - n[2] ** 2) < 1e-6 for n in in_band),
              "the slit's band holds Li at the run's pressure (%d nodes)" %
              len(in_band))

if iso and iso1:
    worst = max(abs(value(iso1, k) / value(iso, k) - 1) for k in
                ("pressure_Pa", "crack_volume", "li_current_A",
                 "detached_damage"))
    chk.check(worst < 1e-6 and len(iso1) == len(iso),
              "isolated disc: 1 and 2 ranks agree (p, V, I_Li, detached; "
              "worst %.2g)" % worst)

if base and con:
    print("connected disc: detached %.5g, V/p %.6g (no disc %.6g)" %
          (value(con, "detached_damage"), compliance(con), compliance(base)))
    chk.check(value(con, "detached_damage") == 0,
              "connected disc: detached_damage = 0")
    chk.check(compliance(con) > 1.2 * compliance(base),
              "connected disc: V/p %.3g x that of the slit alone (> 1.2)" %
              (compliance(con) / compliance(base)))
    nodes = last_fields(con_out)
    p = value(con, "pressure_Pa")
    in_disc = [n for n in nodes if n[2] >= 0.99 and
               math.hypot(n[0], n[1] - 86e-6) < r_disc]
    chk.check(len(in_disc) > 10 and
              all(abs(n[3] - 1) < 1e-6 and abs(n[4] / p - 1) < 1e-6
                  for n in in_disc),
              "connected disc: Li at the run's pressure at its %d broken "
              "nodes" % len(in_disc))

# --- a pore that the growing crack reaches ---------------------------------
r_pore = 3e-6
join_out, join, _ = run("joined_by_growth", {
    "Study/Type": "penetration",
    "Phase field/End time": 36, "Phase field/Time steps": 9,
    "Phase field/Maximum pressure change": 0.1,
    "Phase field/Maximum crack advance": 4,
    "Phase field/Initial damage": "if(x^2+(y-84e-6)^2<%g,1,0)" % r_pore ** 2,
    "Output/Write solution": "true"})
if join:
    det = [value(join, "detached_damage", i) for i in range(len(join))]
    depth = [value(join, "penetration_depth_m", i) for i in range(len(join))]
    p = [value(join, "pressure_Pa", i) for i in range(len(join))]
    cmp = [compliance(join[i:i + 1]) if p[i] > 0 else 0
           for i in range(len(join))]
    area = math.pi * (r_pore - 0.25 * ell + 0.63 * ell) ** 2
    k = next((i for i, a in enumerate(det) if a == 0), None)
    print("pore reached by growth: detached %s, depth %s um, p %s MPa" %
          (" ".join("%.3g" % a for a in det),
           " ".join("%.1f" % (1e6 * x) for x in depth),
           " ".join("%.3g" % (1e-6 * x) for x in p)))
    chk.check(k is not None and k >= 2 and
              all(a > 0.9 * area for a in det[:k]) and
              all(a == 0 for a in det[k:]),
              "pore: detached_damage > 0.9 x %.3g m^2 until step %s, 0 "
              "from then on" % (area, k))
    if k is not None and k >= 2:
        chk.check(depth[k - 1] < 13e-6 and depth[k] > 19e-6,
                  "pore: the tip jumps across it in that step (%.2f -> "
                  "%.2f um)" % (1e6 * depth[k - 1], 1e6 * depth[k]))
        chk.check(p[k] < p[k - 1] and cmp[k] > 1.2 * cmp[k - 1],
                  "pore: p falls (%.4g -> %.4g MPa) and V/p rises by "
                  "%.3g %% (> 20 %%) as it joins" %
                  (1e-6 * p[k - 1], 1e-6 * p[k],
                   100 * (cmp[k] / cmp[k - 1] - 1)))
        fields = ET.parse(os.path.join(join_out, "solution.pvd")).getroot(
        ).findall(".//DataSet")
        chk.check(len(fields) == len(join),
                  "pore: one ParaView file per step (%d, %d steps)" %
                  (len(fields), len(join)))

        def pore_nodes(index):
            return [n for n in last_fields(join_out, index) if n[2] >= 0.99
                    and math.hypot(n[0], n[1] - 84e-6) < r_pore]
        before, after = pore_nodes(k - 1), pore_nodes(-1)
        chk.check(len(before) > 5 and all(n[3] == 0 for n in before),
                  "pore: no Li at its %d broken nodes in the step before"
                  % len(before))
        chk.check(len(after) > 5 and
                  all(abs(n[3] - 1) < 1e-6 and abs(n[4] / p[-1] - 1) < 1e-6
                      for n in after),
                  "pore: Li at the run's pressure at its %d broken nodes "
                  "in the last step" % len(after))
    err = max(abs(float(r["plated_volume"]) / float(r["crack_volume"]) - 1)
              for r in join[1:])
    chk.check(err < 0.01, "pore: plated = crack volume within 1 %% at every "
              "step (%.2g)" % err)

# --- a second flaw at the Li electrode: a second Li body -----------------
def body_rows(out):
    """li_bodies.csv: {body: [rows]}"""
    with open(os.path.join(out, "li_bodies.csv")) as f:
        rows = list(csv.DictReader(f))
    by = {}
    for r in rows:
        by.setdefault(int(r["body"]), []).append(r)
    return by


sec_out, sec, _ = run("second_flaw",
                      {"Phase field/Initial damage": disc(60e-6, 100e-6)})
# the same under a 5 MPa stack with a mouth conductance: each body's Li
# leaves (or, below the stack pressure, enters) at G_m (p_k - p_s)
secm_out, secm, _ = run("second_flaw_stack_mouth",
                        {"Phase field/Initial damage": disc(60e-6, 100e-6),
                         "Loads/Stack pressure": 5e6,
                         "Electrochemistry/Mouth conductance": 1e-21})
sec1_out, sec1, _ = run("second_flaw_1rank",
                        {"Phase field/Initial damage": disc(60e-6, 100e-6)},
                        ranks=1)
if sec and sec1 and iso and con and join:
    others = [(n, r) for n, r in (("isolated", iso), ("connected", con),
                                  ("joined_by_growth", join))]
    # li_bodies (li_bodies() of li_body.h): the second flaw is a second
    # body at the electrode; the pores inside the electrolyte are none
    bodies = {n: sorted(set(int(value(r, "li_bodies", i))
                            for i in range(len(r))))
              for n, r in others + [("second_flaw", sec)]}
    print("li_bodies: %s" % bodies)
    chk.check(bodies["second_flaw"] == [2] and
              all(bodies[n] == [1] for n, _ in others),
              "li_bodies = 2 at every step with the second flaw, 1 with "
              "the isolated, the overlapping and the reached pore")
    chk.check(all(value(r, "detached_at_electrode", i) == 0
                  for n, r in others + [("second_flaw", sec)]
                  for i in range(len(r))),
              "no broken material at the electrode outside the Li bodies "
              "(detached_at_electrode = 0 in every run)")
    by, by1 = body_rows(sec_out), body_rows(sec1_out)
    ok = sorted(by) == [0, 1] and len(by[1]) == len(sec)
    chk.check(ok, "second flaw: li_bodies.csv has bodies 0 and 1 at every "
              "step (%s)" % sorted(by))
    if ok:
        for k in (0, 1):
            for r in by[k]:
                print("  body %d t %s: p %.6g Pa, V_Li %.6g, V_crack %.6g, "
                      "I %.4g, plated %.4g" % (
                          k, r["time"], float(r["pressure_Pa"]),
                          float(r["li_volume"]), float(r["crack_volume"]),
                          float(r["li_current_A"]),
                          float(r["plated_volume"])))
        # each body's Li fills its own crack (its own balance)
        err = max(abs(float(r["li_volume"]) - float(r["crack_volume"])) /
                  float(r["crack_volume"]) for k in (0, 1) for r in by[k][1:])
        chk.check(err < 0.01, "second flaw: each body's Li volume = its "
                  "crack volume within 1 %% at every step (%.2g)" % err)
        last = by[1][-1]
        chk.check(float(last["pressure_Pa"]) > 0 and
                  float(last["plated_volume"]) > 0 and
                  float(last["li_current_A"]) < 0,
                  "second flaw: Li plates into body 1 (I < 0, plated > 0) "
                  "and pressurises it (p_1 > 0)")
        p0, p1 = float(by[0][-1]["pressure_Pa"]), float(last["pressure_Pa"])
        chk.check(abs(p0 - p1) > 0.01 * p0,
                  "second flaw: its pressure differs from the slit's "
                  "(%.4g vs %.4g Pa)" % (p1, p0))
        # body 0 is the slit's body with the second flaw as an empty crack
        # replaced by a Li body: the run's pressure column is body 0's
        chk.check(abs(value(sec, "pressure_Pa") - p0) <= 1e-9 * p0,
                  "second flaw: statistics.csv pressure_Pa = body 0's")
        # the energy balance counts body 1's p dV too: within 1 % of the
        # work (observed 0.28 %; body 0's work alone leaves body 1's elastic
        # energy, ~80 % of the work, unbalanced)
        rel = max(abs(float(r["energy_balance_relative"])) for r in sec[1:])
        chk.check(rel < 0.01, "second flaw: energy balance within 1 %% of "
                  "both bodies' work (worst %.3g %%)" % (100 * rel))
        same = all(abs(float(a["pressure_Pa"]) - float(b["pressure_Pa"])) <=
                   1e-6 * abs(float(a["pressure_Pa"])) and
                   abs(float(a["crack_volume"]) - float(b["crack_volume"])) <=
                   1e-6 * abs(float(a["crack_volume"]))
                   for k in (0, 1) for a, b in zip(by[k][1:], by1[k][1:]))
        chk.check(same and sorted(by1) == [0, 1],
                  "second flaw: both bodies' p and V on 1 rank = 2 ranks "
                  "(1e-6)")

# --- the tip is the defect's body's, the penetration the deepest body's ----
# the slit is 10 um deep; a pit of r = 14 um at (60, 100) um is deeper and
# 74 um from the slit's mouth at its far edge
deep_out, deep, _ = run("deep_second_flaw", {
    "Phase field/Initial damage": disc(60e-6, 100e-6, 14e-6)})
if sec and deep:
    for name, r, depth in (("second flaw", sec, 10e-6),
                           ("deep second flaw", deep, 14e-6)):
        tip, pen = value(r, "tip_distance_m"), value(r, "penetration_depth_m")
        print("%s: tip_distance %.4g m, penetration_depth %.4g m" %
              (name, tip, pen))
        # the slit's d = 1/2 tip lies within about 2 l of its band's end
        chk.check(abs(tip - 10e-6) < 3 * ell,
                  "%s: tip_distance = the slit's (10 um +- 3 l; the pit's "
                  "contour lies 55-74 um from the mouth): %.4g m" % (name, tip))
        chk.check(abs(pen - depth) < 3 * ell,
                  "%s: penetration_depth = that of the deepest body (%.0f "
                  "um +- 3 l): %.4g m" % (name, depth * 1e6, pen))
    # li_bodies.csv: each body's own depth; the deepest is the run's
    by = body_rows(deep_out)
    d0, d1 = (float(by[k][-1]["depth_m"]) if k in by else 0 for k in (0, 1))
    print("deep second flaw: depth_m of body 0 %.4g m, body 1 %.4g m" %
          (d0, d1))
    chk.check(abs(d0 - 10e-6) < 3 * ell and abs(d1 - 14e-6) < 3 * ell and
              max(d0, d1) == value(deep, "penetration_depth_m"),
              "deep second flaw: li_bodies.csv depth_m is the slit's for "
              "body 0 and the pit's for body 1 (+- 3 l), the larger one is "
              "penetration_depth_m")

# --- the mouth of each body under a stack pressure ------------------------
# Q_k = G_m (p_k - p_s) in each body's own implicit step (bodies_step()):
# its extruded volume is the sum of dt G_m (p_k - p_s) (1e-6), negative
# here (p_k < p_s: the electrode's Li creeps in), and its Li volume fills
# its crack (1e-3; a closure without the inflow dt G_m p_s leaves the Li
# ~15 % above the crack volume)
if secm:
    by = body_rows(secm_out)
    worst_q, worst_v, n = 0., 0., 0
    for k in (0, 1):
        rows = by.get(k, [])
        if len(rows) < 2:
            continue
        ext = column(rows[1:], "extruded_volume")
        worst_q = max(worst_q, extrusion_error(rows, 1e-21, 5e6),
                      0. if max(ext) < 0 else 1.)
        worst_v = max([worst_v] + [abs(a / b - 1) for a, b in zip(
            column(rows[1:], "li_volume"), column(rows[1:], "crack_volume"))])
        n += len(rows) - 1
    chk.check(n == 4 and worst_q < 1e-6 and worst_v < 1e-3,
              "second flaw under a stack with a mouth conductance: each "
              "body's extruded volume = sum of dt G_m (p_k - p_s) < 0 "
              "(worst %.2g) and its Li fills its crack (worst %.2g; %d "
              "body steps)" % (worst_q, worst_v, n))

# --- two bodies that merge: a pit 3 um beside the slit ----------------------
mer_out, mer, _ = run("merging", {
    "Study/Type": "penetration",
    "Phase field/End time": 20, "Phase field/Time steps": 5,
    "Phase field/Initial damage": disc(8e-6, 100e-6)})
if mer:
    n = [int(value(mer, "li_bodies", i)) for i in range(len(mer))]
    print("merging: li_bodies per step %s" % n)
    chk.check(n[0] == 2 and n[-1] == 1,
              "merging: two Li bodies at the start, one at the end")
    by = body_rows(mer_out)
    with open(os.path.join(mer_out, "summary.json")) as f:
        import json
        oF = json.load(f)["molar_volume_m3_per_mol"] / 96485.33212
    steps1 = [int(r["step"]) for r in by.get(1, [])]
    m = max(steps1) + 1 if steps1 else 0
    if 0 < m < len(by[0]):
        b0 = {int(r["step"]): r for r in by[0]}
        b1 = {int(r["step"]): r for r in by[1]}
        dt = float(b0[m]["time"]) - float(b0[m - 1]["time"])
        for key in ("li_volume", "plated_volume"):
            expect = (float(b0[m - 1][key]) + float(b1[m - 1][key]) +
                      dt * oF * (-float(b0[m]["li_current_A"])))
            got = float(b0[m][key])
            print("merging: step %d %s %.8g, expected %.8g" % (m, key, got,
                                                               expect))
            chk.check(abs(got - expect) <= 1e-6 * expect,
                      "merging: body 0's %s after the merge = both bodies' "
                      "before + its plating in the step (1e-6)" % key)
        err = max(abs(float(r["li_volume"]) - float(r["crack_volume"])) /
                  float(r["crack_volume"])
                  for k in by for r in by[k] if float(r["crack_volume"]) > 0)
        chk.check(err < 0.01, "merging: every body's Li volume = its crack "
                  "volume within 1 %% at every step (%.2g)" % err)
        # the energy balance counts each body's p dV, across the merge
        # (the merged body starts from both volumes at their mean pressure):
        # within 2 % of the work at every step (observed 0.70 %; with body
        # 1's work counted as from p = p_new, -38 %)
        rel = max(abs(float(r["energy_balance_relative"])) for r in mer[1:])
        chk.check(rel < 0.02, "merging: energy balance within 2 %% of the "
                  "work at every step (worst %.3g %%)" % (100 * rel))
    else:
        chk.check(False, "merging: the bodies merged within the run (%s)" % n)

# --- a body that appears during the run -----------------------------------
# a pore of r = 3 um whose edge lies 1 um below the electrode at x = 20 um:
# an empty crack at first (its d >= 1/2 core does not reach the electrode);
# the slit's stress field raises d in the ligament until it breaks, and the
# pore becomes a Li body of its own at the next step's start, empty
new_out, new, _ = run("new_body", {
    "Phase field/End time": 35, "Phase field/Time steps": 7,
    "Phase field/Initial damage": disc(20e-6, 96e-6, 3e-6)})
if new:
    n = [int(value(new, "li_bodies", i)) for i in range(len(new))]
    det = [value(new, "detached_damage", i) for i in range(len(new))]
    print("new body: li_bodies per step %s, detached_damage %s" %
          (n, ["%.3g" % x for x in det]))
    chk.check(n[0] == 1 and det[0] > 0 and n[-1] == 2 and det[-1] == 0,
              "new body: the pore is empty damage at the start (1 body, "
              "detached > 0) and a Li body at the end (2 bodies, detached 0)")
    by = body_rows(new_out)
    steps = sorted(int(r["step"]) for r in by.get(1, []))
    chk.check(bool(steps) and steps[0] > 1 and
              steps == list(range(steps[0], steps[-1] + 1)),
              "new body: body 1 appears after the first step and stays "
              "(steps %s)" % steps)
    if steps:
        with open(os.path.join(new_out, "summary.json")) as f:
            import json
            oF = json.load(f)["molar_volume_m3_per_mol"] / 96485.33212
        first = by[1][0]
        dt = 5.
        expect = dt * oF * (-float(first["li_current_A"]))
        got = float(first["li_volume"])
        print("new body: step %s: p %.4g Pa, V_Li %.6g, plated in the step "
              "%.6g" % (first["step"], float(first["pressure_Pa"]), got,
                        expect))
        chk.check(abs(got - expect) <= 1e-6 * expect,
                  "new body: it starts empty (its Li after its first step = "
                  "its plating in that step, 1e-6)")
        err = max(abs(float(r["li_volume"]) - float(r["crack_volume"])) /
                  float(r["crack_volume"]) for r in by[1])
        chk.check(err < 0.01 and all(float(r["pressure_Pa"]) > 0 and
                                     float(r["li_current_A"]) < 0
                                     for r in by[1]),
                  "new body: Li plates into it (I < 0), p > 0 and its Li "
                  "volume = its crack volume within 1 %% at every step "
                  "(%.2g)" % err)

for name, entries, words in (
        ("bad_parse", {"Phase field/Initial damage": "x +* y"},
         "cannot evaluate"),
        ("bad_infinite", {"Phase field/Initial damage": "1/(y-1e-4)"},
         "not finite"),
        ("bad_notch", {"Phase field/Initial damage": disc(40e-6, 60e-6),
                       "Phase field/Loading": "pressure",
                       "Phase field/Initial crack": "notch"},
         "damage band")):
    _, _, stderr = run(name, entries, expect=2)
    chk.check("Phase field/Initial damage" in stderr and words in stderr,
              "%s: the message names Phase field/Initial damage (%s)" %
              (name, stderr.strip()[-200:]))
chk.finish()
