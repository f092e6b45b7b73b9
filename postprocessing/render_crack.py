"""Render a lipen run's crack with ParaView: PNG frames of the time series and
a state file to open in the ParaView GUI.

Run with ParaView's batch interpreter (Debian package `paraview`); on a
machine without a display under Xvfb:

  xvfb-run -a -s "-screen 0 1280x1024x24 +extension GLX" \\
      pvbatch postprocessing/render_crack.py RUN_DIR [--field von_mises] \\
      [--out RUN_DIR/frames] [--size 1024 768] [--threshold 0.5] \\
      [--fit body|crack]

RUN_DIR is an Output/Directory of a phase-field or penetration run (its
solution.pvd and summary.json). The script
- reflects the symmetric model into the whole body (the planes follow the
  defect type in summary.json: edge slit and blunt notch about x = 0, the
  centre slit about x and y, the penny about x, y and z, the surface flaw
  about x and z; --reflect x,z overrides);
- frames the whole body, or with --fit crack the crack of the last step;
- colours the body by --field (a point field of the output: damage,
  von_mises, ionic_potential, li_pressure, ...; the vector fields by their
  magnitude), with the colour range of the last step;
- draws the crack (damage >= --threshold) on top in pure, unlit red
  (RGB 255, 0, 0; the body's colour map, Viridis, has no such colour);
- writes OUT/frame_NNNN.png for every output step, OUT/crack.pvsm (the
  state: File > Load State in the GUI) and OUT/frames.json: the frame
  files with their times and, for 2D runs, the camera (parallel projection
  from +z) that maps a point (x, y) to the pixel
  (W/2 + (x - cx) s, H/2 - (y - cy) s) with s = (H/2)/parallel_scale, from
  the top left corner.
"""
import argparse
import json
import os
import sys

from paraview.simple import (ColorBy, CreateView, GetColorTransferFunction,
                             PVDReader, Reflect, Render, SaveScreenshot,
                             SaveState, SetActiveView, Show, Threshold)

REFLECT = {"edge slit": "x", "blunt notch": "x", "centre slit": "x,y",
           "penny": "x,y,z", "semicircular surface flaw": "x,z"}


def parse_arguments():
    parser = argparse.ArgumentParser(
        description="PNG frames and a ParaView state of a lipen run's crack")
    parser.add_argument("run_dir")
    parser.add_argument("--field", default="damage")
    parser.add_argument("--out", default=None)
    parser.add_argument("--size", type=int, nargs=2, default=[1024, 768])
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--fit", choices=["body", "crack"], default="body",
                        help="frame the whole body, or the crack of the "
                        "last step (3x its extent) for cracks small against "
                        "the body")
    parser.add_argument("--reflect", default=None,
                        help="planes to reflect about, e.g. 'x,z' "
                        "(default: from the defect type)")
    return parser.parse_args()


def fail(message):
    sys.stderr.write("render_crack.py: error: %s\n" % message)
    sys.exit(2)


def main():
    args = parse_arguments()
    pvd = os.path.join(args.run_dir, "solution.pvd")
    if not os.path.isfile(pvd):
        fail("%s not found (give the Output/Directory of a run with "
             "Output/Write solution = true)" % pvd)
    summary_path = os.path.join(args.run_dir, "summary.json")
    defect, dimension = "edge slit", 2
    if os.path.isfile(summary_path):
        with open(summary_path) as f:
            summary = json.load(f)
        defect = summary.get("geometry", {}).get("defect", defect)
        dimension = summary.get("dimension", dimension)
    planes = args.reflect if args.reflect is not None else REFLECT.get(
        defect, "")
    out = args.out or os.path.join(args.run_dir, "frames")
    os.makedirs(out, exist_ok=True)

    reader = PVDReader(FileName=pvd)
    reader.UpdatePipelineInformation()
    times = list(reader.TimestepValues) if reader.TimestepValues else [0.0]
    if isinstance(reader.TimestepValues, float):
        times = [reader.TimestepValues]
    fields = list(reader.PointData.keys())
    if args.field not in fields:
        fail("--field %s: not a point field of %s (fields: %s)" %
             (args.field, pvd, ", ".join(fields)))
    if "damage" not in fields:
        fail("%s has no damage field: not a phase-field run" % pvd)

    body = reader
    for axis in [p.strip() for p in planes.split(",") if p.strip()]:
        if axis not in ("x", "y", "z"):
            fail("--reflect: '%s' is not one of x, y, z" % axis)
        body = Reflect(Input=body)
        body.Plane = axis.upper() + " Min"
        body.CopyInput = 1
    crack = Threshold(Input=body)
    crack.Scalars = ["POINTS", "damage"]
    crack.LowerThreshold = args.threshold
    crack.UpperThreshold = 2.0

    view = CreateView("RenderView")
    SetActiveView(view)
    view.ViewSize = args.size
    view.OrientationAxesVisibility = 0
    view.Background = [1.0, 1.0, 1.0]
    try:
        view.UseColorPaletteForBackground = 0
    except AttributeError:
        pass
    body_display = Show(body, view)
    body_display.Representation = "Surface"
    ColorBy(body_display, ("POINTS", args.field, "Magnitude"))
    lut = GetColorTransferFunction(args.field)
    lut.ApplyPreset("Viridis (matplotlib)", True)
    crack_display = Show(crack, view)
    crack_display.Representation = "Surface"
    ColorBy(crack_display, None)
    crack_display.AmbientColor = [1.0, 0.0, 0.0]
    crack_display.DiffuseColor = [1.0, 0.0, 0.0]
    crack_display.Ambient = 1.0
    crack_display.Diffuse = 0.0
    crack_display.Specular = 0.0
    crack_display.Interpolation = "Flat"

    # paraview.simple resets the camera at a view's first render: render
    # once before placing the camera
    Render(view)
    # colour range of the last step; the camera fitted to the whole body
    # (or the crack)
    view.ViewTime = times[-1]
    body.UpdatePipeline(times[-1])
    body_display.RescaleTransferFunctionToDataRange(False, True)
    bounds = list(body.GetDataInformation().GetBounds())
    if args.fit == "crack":
        crack.UpdatePipeline(times[-1])
        cb = crack.GetDataInformation().GetBounds()
        if cb[1] >= cb[0]:
            half = 1.5 * max(cb[2 * i + 1] - cb[2 * i] for i in range(3))
            bounds = [v for i in range(3)
                      for v in ((cb[2 * i] + cb[2 * i + 1]) / 2 - half,
                                (cb[2 * i] + cb[2 * i + 1]) / 2 + half)]
    cx, cy, cz = [(bounds[2 * i] + bounds[2 * i + 1]) / 2 for i in range(3)]
    extent = [bounds[2 * i + 1] - bounds[2 * i] for i in range(3)]
    camera = {}
    if dimension == 2:
        # looking down -z; the crack (in the body's plane) is moved
        # slightly towards the camera so that it is drawn over the body
        view.CameraParallelProjection = 1
        view.CameraPosition = [cx, cy, cz + 10 * max(extent)]
        view.CameraFocalPoint = [cx, cy, cz]
        view.CameraViewUp = [0, 1, 0]
        aspect = args.size[0] / float(args.size[1])
        scale = 0.55 * max(extent[1], extent[0] / aspect)
        view.CameraParallelScale = scale
        camera = {"center": [cx, cy], "parallel_scale": scale,
                  "size": args.size}
        # the crack in front of the body
        crack_display.Position = [0, 0, 1e-3 * max(extent)]
    else:
        view.CameraPosition = [cx + 1.6 * extent[0], cy + 1.2 * extent[1],
                               cz + 1.6 * max(extent)]
        view.CameraFocalPoint = [cx, cy, cz]
        view.CameraViewUp = [0, 1, 0]
        view.ResetCamera()

    frames = []
    for k, t in enumerate(times):
        view.ViewTime = t
        Render(view)
        name = "frame_%04d.png" % k
        SaveScreenshot(os.path.join(out, name), view,
                       ImageResolution=args.size)
        frames.append({"file": name, "time": t})
    SaveState(os.path.join(out, "crack.pvsm"))
    with open(os.path.join(out, "frames.json"), "w") as f:
        json.dump({"run_dir": os.path.abspath(args.run_dir),
                   "field": args.field, "threshold": args.threshold,
                   "reflect": planes, "dimension": dimension,
                   "camera_2d": camera, "frames": frames}, f, indent=1)
    print("render_crack.py: %d frames and crack.pvsm in %s" % (len(frames),
                                                               out))


main()
