from portal.modules.invoices.views import bp
from portal.modules.registry import ModuleSpec

SPEC = ModuleSpec(
    key="invoices",
    title="Invoices",
    icon="receipt",
    order=40,
    endpoint="invoices.index",
    blueprint=bp,
    empty_text="No invoices for {account}.",
)
