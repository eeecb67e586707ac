from portal.modules.help.views import bp
from portal.modules.registry import ModuleSpec

SPEC = ModuleSpec(
    key="help",
    title="Help",
    icon="help",
    order=50,
    endpoint="help.index",
    blueprint=bp,
    empty_text="No help articles have been published yet.",
)
