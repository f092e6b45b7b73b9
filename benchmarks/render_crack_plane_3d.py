"""Render the damage on the crack plane (z = 0) of a 3D surface-flaw run
(parameter_files/penetration_3d.prm) at its first, a middle and its last
output step, seen along the crack-plane normal, the Li electrode (y = 0) at
the top. Run with ParaView's batch interpreter:

  xvfb-run -a -s "-screen 0 1280x1024x24 +extension GLX" \\
      pvbatch benchmarks/render_crack_plane_3d.py RUN_DIR OUT_PREFIX [HALF_HEIGHT_M]

writes OUT_PREFIX_{start,middle,end}.png (HALF_HEIGHT_M: half the height of
the picture in metres, default 2.8e-5).
"""
import sys

from paraview.simple import (ColorBy, CreateView, GetColorTransferFunction,
                             PVDReader, Render, SaveScreenshot, Show, Slice)

run, prefix = sys.argv[1], sys.argv[2]
half = float(sys.argv[3]) if len(sys.argv) > 3 else 2.8e-5
reader = PVDReader(FileName=run + "/solution.pvd")
times = reader.TimestepValues
view = CreateView("RenderView")
view.ViewSize = [1000, 700]
view.OrientationAxesVisibility = 0
view.Background = [1, 1, 1]
plane = Slice(Input=reader)
plane.SliceType.Origin = [0, 0, 1e-12]
plane.SliceType.Normal = [0, 0, 1]
display = Show(plane, view)
ColorBy(display, ("POINTS", "damage"))
GetColorTransferFunction("damage").RescaleTransferFunction(0., 1.)
display.SetScalarBarVisibility(view, True)
view.CameraParallelProjection = 1
for t, name in ((times[0], "start"), (times[len(times) // 2 + 6], "middle"),
                (times[-1], "end")):
    view.ViewTime = t
    Render(view)
    view.CameraPosition = [half * 0.9, half * 0.9, 10 * half]
    view.CameraFocalPoint = [half * 0.9, half * 0.9, 0]
    view.CameraViewUp = [0, -1, 0]
    view.CameraParallelScale = half
    Render(view)
    SaveScreenshot("%s_%s.png" % (prefix, name), view,
                   ImageResolution=[1000, 700])
    print("%s_%s.png: t = %.4g s" % (prefix, name, t))
