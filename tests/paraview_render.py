#!/usr/bin/env python3
"""ParaView for real (issue 18): postprocessing/render_crack.py, run headless
with Debian's pvbatch under Xvfb, renders a growing phase-field crack.
Checks, on the PNG frames of a Griffith crack growing under a prescribed Li
volume (centre slit, quarter model):
- one frame per output step of the PVD;
- the crack colour (pure red) is drawn where the damage is: the pixels
  onto which the nodes with d >= 0.9 project (camera of frames.json, all
  four reflections of the quarter model) are red within 3 pixels;
- no red where there is no crack: every red pixel lies within 3 pixels of
  a projected node with d >= 0.3;
- the red area grows with the crack, and the frames differ;
- the state file crack.pvsm loads in pvbatch and renders.
Usage: paraview_render.py LIPEN WORKDIR SOURCE_DIR
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import matplotlib.image as mpimg
import numpy as np
import vtk
from vtk.util.numpy_support import vtk_to_numpy

from lipen_test_util import Checker, run_lipen

lipen, work, source = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
chk = Checker()
run_dir = os.path.join(work, "griffith")
shutil.rmtree(run_dir, ignore_errors=True)
status, out, err, summary = run_lipen(
    lipen, 1, [os.path.join(source, "parameter_files",
                            "phase_field_griffith_volume_2d.prm"),
               "--set", "Phase field/Length scale=0.05",
               "--set", "Phase field/Time steps=4"], outdir=run_dir)
chk.check(status == 0, "the Griffith volume run completes: %s" % err[-300:])

xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 +extension GLX"]
frames_dir = os.path.join(work, "frames")
shutil.rmtree(frames_dir, ignore_errors=True)
render = subprocess.run(
    xvfb + ["pvbatch", os.path.join(source, "postprocessing",
                                    "render_crack.py"), run_dir, "--out",
            frames_dir, "--field", "von_mises", "--size", "800", "600",
            "--fit", "crack"],
    capture_output=True, text=True, timeout=600)
chk.check(render.returncode == 0, "pvbatch render_crack.py runs: %s" %
          (render.stdout + render.stderr)[-500:])
with open(os.path.join(frames_dir, "frames.json")) as f:
    meta = json.load(f)

pvd = ET.parse(os.path.join(run_dir, "solution.pvd")).getroot()
datasets = [ds.get("file") for ds in pvd.iter("DataSet")]
chk.check(len(meta["frames"]) == len(datasets) >= 3,
          "one frame per output step: %d frames, %d steps" %
          (len(meta["frames"]), len(datasets)))
chk.check(meta["reflect"] == "x,y", "the quarter model of the centre slit "
          "is reflected about x and y (%s)" % meta["reflect"])


def damaged_points(pvtu, level):
    """(x, y) of the nodes with damage >= level, in all four quadrants."""
    reader = vtk.vtkXMLPUnstructuredGridReader()
    reader.SetFileName(pvtu)
    reader.Update()
    grid = reader.GetOutput()
    points = vtk_to_numpy(grid.GetPoints().GetData())[:, :2]
    damage = vtk_to_numpy(grid.GetPointData().GetArray("damage"))
    p = points[damage >= level]
    return np.vstack([p * [sx, sy] for sx in (1, -1) for sy in (1, -1)])


def to_pixels(points):
    cam = meta["camera_2d"]
    w, h = cam["size"]
    s = (h / 2.0) / cam["parallel_scale"]
    cx, cy = cam["center"]
    px = w / 2.0 + (points[:, 0] - cx) * s
    py = h / 2.0 - (points[:, 1] - cy) * s
    return np.column_stack([px, py])


def near(mask, pixels, radius=3):
    """For each pixel position, whether mask is set within radius."""
    h, w = mask.shape
    result = []
    for px, py in pixels:
        i, j = int(round(py)), int(round(px))
        i0, i1 = max(0, i - radius), min(h, i + radius + 1)
        j0, j1 = max(0, j - radius), min(w, j + radius + 1)
        result.append(i0 < i1 and j0 < j1 and mask[i0:i1, j0:j1].any())
    return np.array(result)


red_counts, images = [], []
for frame, file in zip(meta["frames"], datasets):
    image = mpimg.imread(os.path.join(frames_dir, frame["file"]))[:, :, :3]
    images.append(image)
    red = (image[:, :, 0] > 0.94) & (image[:, :, 1] < 0.08) & \
        (image[:, :, 2] < 0.08)
    red_counts.append(int(red.sum()))
    pvtu = os.path.join(run_dir, file)
    inside = to_pixels(damaged_points(pvtu, 0.9))
    hit = near(red, inside)
    chk.check(len(inside) > 0 and hit.mean() > 0.95,
              "%s (t = %g): %d of %d projected nodes with d >= 0.9 are red "
              "within 3 px" % (frame["file"], frame["time"], hit.sum(),
                               len(inside)))
    # every red pixel lies near a node with d >= 0.3
    band = np.zeros(red.shape, bool)
    for px, py in to_pixels(damaged_points(pvtu, 0.3)):
        i, j = int(round(py)), int(round(px))
        band[max(0, i - 3):i + 4, max(0, j - 3):j + 4] = True
    stray = int((red & ~band).sum())
    chk.check(stray <= 0.02 * max(1, red.sum()),
              "%s: %d of %d red pixels away from the damage" %
              (frame["file"], stray, red.sum()))

chk.check(red_counts[-1] > 1.2 * red_counts[0],
          "the red area grows with the crack: %s pixels" % red_counts)
chk.check(all(np.abs(images[k + 1] - images[k]).max() > 0.1
              for k in range(len(images) - 1)),
          "consecutive frames differ")

# The state file loads in ParaView and renders.
state_png = os.path.join(work, "state.png")
script = os.path.join(work, "load_state.py")
with open(script, "w") as f:
    f.write("from paraview.simple import *\n"
            "LoadState(%r)\n"
            "v = GetActiveViewOrCreate('RenderView')\n"
            "SaveScreenshot(%r, v, ImageResolution=[400, 300])\n" %
            (os.path.join(frames_dir, "crack.pvsm"), state_png))
# (offscreen: loading a state makes its own render window, which the X
# connection of Debian's pvbatch under xvfb-run refused on some runs)
load = subprocess.run(xvfb + ["pvbatch", "--force-offscreen-rendering",
                              script], capture_output=True,
                      text=True, timeout=300)
ok = load.returncode == 0 and os.path.isfile(state_png)
if ok:
    image = mpimg.imread(state_png)[:, :, :3]
    ok = ((image[:, :, 0] > 0.94) & (image[:, :, 1] < 0.08)).sum() > 0
chk.check(ok, "crack.pvsm loads in pvbatch and shows the crack: %s" %
          (load.stdout + load.stderr)[-300:])

# A run directory without a PVD is refused with a message.
bad = subprocess.run(xvfb + ["pvbatch", os.path.join(
    source, "postprocessing", "render_crack.py"), work],
    capture_output=True, text=True, timeout=300)
chk.check(bad.returncode != 0 and "solution.pvd" in bad.stderr,
          "render_crack.py on a folder without solution.pvd: status %d, %s" %
          (bad.returncode, bad.stderr.strip()[-200:]))
chk.finish()
