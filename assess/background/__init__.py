"""Background work: the Celery app built from the Flask app, and the broker it uses.

It lives in ``assess`` (not ``worker``) because the web process publishes tasks too;
``worker/`` only runs this app, so the dependency points one way.
"""
