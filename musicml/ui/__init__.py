"""Streamlit glue shared by the pages (only pages and app.py import this package).

``layout`` sets up a page (config, sidebar navigation, title); ``widgets``
holds shared controls such as "pick or upload audio"; ``cache`` wraps core
calls in Streamlit caches. Domain-specific glue lives in its own module here.
"""
