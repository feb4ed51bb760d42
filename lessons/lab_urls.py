"""The config lab's URLs (mounted at the site root by meshlearn/urls.py)."""

urlpatterns: list = []
