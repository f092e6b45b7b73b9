// Half model of a U-shaped (blunt) surface notch in an electrolyte slab.
// lipen runs: gmsh -2 -format msh22 -setnumber W2 .. -setnumber H .. \
//   -setnumber c .. -setnumber rho .. -setnumber h_root .. -o FILE.msh
// Coordinates: x in [0, W2] (x = 0 is the symmetry plane), y in [0, H]
// (y = H is the Li electrode). The notch occupies x < rho, y > H - c + rho,
// closed by a quarter circle of radius rho centred at (0, H - c + rho); its
// deepest point (the "tip") is (0, H - c). Boundary and manifold ids are set
// by lipen from positions, so no physical curves are needed.
If (!Exists(W2))
  W2 = 5e-4;
EndIf
If (!Exists(H))
  H = 1e-3;
EndIf
If (!Exists(c))
  c = 1e-5;
EndIf
If (!Exists(rho))
  rho = 1e-6;
EndIf
If (!Exists(h_root))
  h_root = rho / 4;
EndIf
h_far = H / 8;

Point(1) = {0, 0, 0, h_far};
Point(2) = {W2, 0, 0, h_far};
Point(3) = {W2, H, 0, h_far};
Point(4) = {rho, H, 0, h_root * 4};
Point(5) = {rho, H - c + rho, 0, h_root};
Point(6) = {0, H - c + rho, 0, h_root};  // arc centre
Point(7) = {0, H - c, 0, h_root};        // notch root ("tip")

Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Line(4) = {4, 5};
Circle(5) = {5, 6, 7};
Line(6) = {7, 1};
Curve Loop(1) = {1, 2, 3, 4, 5, 6};
Plane Surface(1) = {1};
Physical Surface(1) = {1};

// Grade from the root outwards.
Field[1] = Distance;
Field[1].CurvesList = {5};
Field[1].NumPointsPerCurve = 50;
Field[2] = Threshold;
Field[2].InField = 1;
Field[2].SizeMin = h_root;
Field[2].SizeMax = h_far;
Field[2].DistMin = rho;
Field[2].DistMax = H / 2;
Field[2].StopAtDistMax = 1;
Background Field = 2;
Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;

// All-quadrilateral mesh for deal.II.
Mesh.RecombineAll = 1;
Mesh.Algorithm = 6;
Mesh.SubdivisionAlgorithm = 1;
