from portal.modules.links.views import bp
from portal.modules.registry import ModuleSpec

SPEC = ModuleSpec(
    key="links",
    title="Links",
    icon="link",
    order=60,
    endpoint="links.index",
    blueprint=bp,
    empty_text="No links have been added yet.",
)
