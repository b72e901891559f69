"""Starting the app: find the workspace and the member, then run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import default_workspace_path

if TYPE_CHECKING:
    from ..cli.common import Context


def launch(ctx: Context) -> int:
    path = ctx.workspace_path(required=False) or default_workspace_path()
    from .app import CrewdeckApp

    app = CrewdeckApp(path=path, ctx=ctx)
    app.run()
    return app.return_code or 0
