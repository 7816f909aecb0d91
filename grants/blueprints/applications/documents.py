"""Supporting documents: upload, list, download, delete."""
