"""The Roofline site: a Django project (settings, URLs, ASGI) and its feature apps."""
