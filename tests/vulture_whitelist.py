"""Names vulture (tests/test_lint.py) reports as unused, but which other code uses.

Each line is a use vulture can see; the comment says who really uses the name.
"""
# ruff: noqa: B018, F821

__getattr__  # module __getattr__ (PEP 562): Python calls it for the lazy names
__dir__  # module __dir__ (PEP 562): dir(prozesskette) lists the lazy names
_repr_svg_  # Jupyter shows a Chain as its chart
qCurveTo  # text.py: fontTools pen protocol, called by the glyph drawer
closePath  # text.py: fontTools pen protocol
buffer_text  # export/safe_xml.py: expat parser settings, read by expat
StartElementHandler  # export/safe_xml.py: expat callbacks …
EndElementHandler
CharacterDataHandler
StartDoctypeDeclHandler
EntityDeclHandler
UnparsedEntityDeclHandler
ExternalEntityRefHandler
indentless  # export/importer.py: parameter of yaml's Dumper.increase_indent, overridden
interface_count  # analysis.py: public property (tests/test_checks.py)
edge_length  # layout/invariants.py: Metrics fields, documented in docs/api.md
aspect
generate_chain  # samples.py: sample chains for tests, benchmarks and the snapshot
cross_lane_chain  # samples.py: the cross-lane family, for tests and benchmarks/bench_layout.py
small_font_size  # layout/geometry.py: Style field of the public Layout (the notes' size)
text_size  # printing.py: PdfResult field, the printed body text size (api users, tests)
available_height  # renderers/pdf: reportlab's Flowable.wrap(availWidth, availHeight) signature
properties  # export/xlsx.py: openpyxl settings (workbook properties, cell alignment, frozen
alignment  # panes), read by openpyxl's writer
freeze_panes
compile_mo  # messages.py: called by the build hook hatch_build.py (the wheel's .mo files)
source_page  # layout/pages.py: Link fields, the pages of a hand-off across pages (tests,
target_page  # api users through PdfResult.page_set)
ARGPARSE_WORDS  # cli/base.py: argparse's words we translate (checked by tests/test_messages.py)
