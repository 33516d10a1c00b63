"""The web app has no models; this module exists so that post_migrate is sent for it (see apps.py)."""
