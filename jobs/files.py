"""Job entry points for files: emptying the trash of files deleted more than 30 days ago."""
