"""Statistics (Qualiopi): pass rates per session, centre, year and bloc, per criterion,
for the admins and as a public summary; their CSV/XLSX export."""
