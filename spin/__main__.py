"""``python -m spin`` is the ``spin`` command."""

from spin.cli import main

raise SystemExit(main())
