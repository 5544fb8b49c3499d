"""The central feed: data model, workflow, what is public now, and the feed API.

kiosk/ and display/ build on it and never import each other.
The factory (app.py) binds the extensions and registers the blueprints.
"""
