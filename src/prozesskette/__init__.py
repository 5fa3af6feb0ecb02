"""prozesskette: process chains as swimlane diagrams with contact QR codes."""
