"""The BigCommerce integration: REST client, app install callbacks, webhook jobs, catalog and order
sync. The commerce adapter (api/commerce/bigcommerce.py) uses the client for money."""
