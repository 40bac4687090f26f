"""The runtime both clients share: the connection, its socket engine and REST transport,
the event hub, uploads and the views over tracked state. Nothing here is public."""
