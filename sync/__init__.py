"""The sync protocol between tablets and server (pure Python): see PROTOCOL.md."""
