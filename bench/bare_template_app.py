"""The second baseline of the page benchmark: a bare Flask app rendering portal-like HTML.

Same kind of work as a Foyer page without Foyer: Jinja template inheritance, an included
navigation, a field macro, autoescaping, a brand colour in the page head, about 4 kB of HTML.
The ratio Foyer / this app is the cost of Foyer itself (tenant, session, database, hooks).
"""

from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

TEMPLATES = {
    "layout.html": """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{% endblock %} · {{ firm.name }}</title>
  <link rel="stylesheet" href="/static/portal.css">
  <style>:root { --brand: {{ firm.brand }}; --accent: {{ firm.accent }}; }</style>
</head>
<body>
  <a class="skip" href="#main">Skip to content</a>
  <header class="brand"><a href="/">{{ firm.portal_name or firm.name }}</a></header>
  {% include "nav.html" %}
  <main id="main">{% block main %}{% endblock %}</main>
  <footer>
    <p>Questions? Write to <a href="mailto:{{ firm.support }}">{{ firm.support }}</a>.</p>
    <form method="post" action="/language"><select name="language" aria-label="Language">
      {% for code, name in languages %}<option value="{{ code }}">{{ name }}</option>{% endfor %}
    </select></form>
  </footer>
</body>
</html>""",
    "nav.html": """<nav aria-label="Portal"><ul>
  {% for module in modules %}
  <li><a href="{{ module.href }}"{% if module.current %} aria-current="page"{% endif %}>
    <svg aria-hidden="true" width="20" height="20"><use href="/static/icons.svg#{{ module.icon }}">
    </use></svg> {{ module.title }}</a></li>
  {% endfor %}
</ul></nav>""",
    "sign_in.html": """{% extends "layout.html" %}
{% macro field(name, label, type="text", autocomplete="") -%}
  <p><label for="{{ name }}">{{ label }}</label>
  <input id="{{ name }}" name="{{ name }}" type="{{ type }}" required
    autocomplete="{{ autocomplete }}"></p>
{%- endmacro %}
{% block title %}Sign in{% endblock %}
{% block main %}
  <h1>Sign in to {{ firm.name }}</h1>
  <p>{{ firm.welcome }}</p>
  <form method="post" novalidate>
    <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
    {{ field("email", "Email", "email", "username") }}
    {{ field("password", "Password", "password", "current-password") }}
    <button type="submit">Sign in</button>
  </form>
  <p><a href="/reset-password">Forgot your password?</a></p>
{% endblock %}""",
    "home.html": """{% extends "layout.html" %}
{% block title %}Home{% endblock %}
{% block main %}
  <h1>Welcome back, {{ user }}</h1>
  <ul class="cards">
  {% for module in modules %}
    <li><a href="{{ module.href }}"><h2>{{ module.title }}</h2>
      <p>{{ module.summary }}</p></a></li>
  {% endfor %}
  </ul>
{% endblock %}""",
}

FIRM = {
    "name": "Big Firm LLP",
    "portal_name": "Client Hub",
    "brand": "#1f4e79",
    "accent": "#e8eef5",
    "support": "support@bigfirm.example",
    "welcome": "Welcome to our client portal. Upload your documents and message us here.",
}
MODULES = [
    {"href": f"/{key}/", "icon": icon, "title": title, "summary": f"{title}: 3 new", "current": 0}
    for key, icon, title in (
        ("messages", "chat", "Messages"),
        ("requests", "inbox", "Requests"),
        ("files", "folder", "Files"),
        ("invoices", "receipt", "Invoices"),
        ("help", "help", "Help"),
        ("community", "people", "Community"),
        ("courses", "star", "Courses"),
        ("history", "calendar", "History"),
    )
]
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch")]

app = Flask(__name__)
app.jinja_loader = DictLoader(TEMPLATES)  # type: ignore[assignment]


@app.get("/sign-in")
def sign_in():  # type: ignore[no-untyped-def]
    return render_template(
        "sign_in.html", firm=FIRM, modules=[], languages=LANGUAGES, csrf_token="x" * 88
    )


@app.get("/home")
def home():  # type: ignore[no-untyped-def]
    return render_template(
        "home.html", firm=FIRM, modules=MODULES, languages=LANGUAGES, user="Contact Jones"
    )
