from portal.modules.files.views import bp
from portal.modules.registry import ModuleSpec

SPEC = ModuleSpec(
    key="files",
    title="Files",
    icon="folder",
    order=30,
    endpoint="files.index",
    blueprint=bp,
    empty_text="No files shared with {account} yet.",
)
