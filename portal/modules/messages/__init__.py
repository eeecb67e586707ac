from portal.modules.messages.views import bp
from portal.modules.registry import ModuleSpec

SPEC = ModuleSpec(
    key="messages",
    title="Messages",
    icon="chat",
    order=10,
    endpoint="messages.index",
    blueprint=bp,
    empty_text=(
        "No messages with {account} yet. When your advisor writes, the conversation appears here."
    ),
)
