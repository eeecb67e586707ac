from portal.modules.registry import ModuleSpec
from portal.modules.requests.views import bp

SPEC = ModuleSpec(
    key="requests",
    title="Requests",
    icon="inbox",
    order=20,
    endpoint="requests.index",
    blueprint=bp,
    empty_text=(
        "No open requests for {account}. "
        "Document and information requests from your advisor appear here."
    ),
)
