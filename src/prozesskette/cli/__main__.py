"""``python -m prozesskette.cli``: the same command line as the ``prozesskette`` script."""

from prozesskette.cli import run

if __name__ == "__main__":
    run()
