"""Domain: which client-portal modules exist (`registry`) and each tenant's choice of them
(enabled, title, icon, order, link entries). The pages themselves live in `portal.web.modules`."""
